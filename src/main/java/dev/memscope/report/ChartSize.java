package dev.memscope.report;

/**
 * The size of a rendered chart: a layout size in points (what fonts and line widths are designed against) and a
 * scale; the PNG has {@code width * scale} x {@code height * scale} pixels and records {@code 72 * scale} DPI, so a
 * viewer that honours DPI shows it at the layout size, sharp on high-density screens and in print.
 */
public record ChartSize(int width, int height, int scale) {

    /** 800 x 520 points at scale 2: a 1600 x 1040 pixel PNG at 144 DPI. */
    public static final ChartSize DEFAULT = new ChartSize(800, 520, 2);

    public ChartSize {
        if (width < 200 || height < 150 || width > 4000 || height > 4000) {
            throw new IllegalArgumentException("chart layout size must be within 200x150 .. 4000x4000 points, got "
                    + width + "x" + height);
        }
        if (scale < 1 || scale > 4) {
            throw new IllegalArgumentException("chart scale must be 1..4, got " + scale);
        }
    }

    public int pixelWidth() {
        return width * scale;
    }

    public int pixelHeight() {
        return height * scale;
    }

    public int dpi() {
        return 72 * scale;
    }
}
