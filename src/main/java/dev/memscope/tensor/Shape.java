package dev.memscope.tensor;

/**
 * Shape of a batch of images {@code [B, C, H, W]}, stored contiguously in C order.
 * Every size must be at least 1: an empty batch or an empty image is a caller error, not a no-op.
 */
public record Shape(int batch, int channels, int height, int width) {

    public Shape {
        if (batch < 1 || channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("shape " + format(batch, channels, height, width)
                    + " has an empty dimension; every size must be >= 1"
                    + (batch < 1 ? " (an empty batch is an error)" : ""));
        }
        long n = (long) batch * channels * height * width;
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("shape " + format(batch, channels, height, width)
                    + " holds " + n + " elements, more than one Java array can");
        }
    }

    public static Shape of(int... dims) {
        if (dims.length != 4) {
            throw new IllegalArgumentException("expected 4 dimensions [B, C, H, W], got " + dims.length
                    + " " + java.util.Arrays.toString(dims));
        }
        return new Shape(dims[0], dims[1], dims[2], dims[3]);
    }

    /** Elements in one sample, C*H*W. */
    public int sampleSize() {
        return channels * height * width;
    }

    /** Pixels in one sample, H*W. */
    public int pixels() {
        return height * width;
    }

    public int size() {
        return batch * sampleSize();
    }

    public Shape withBatch(int b) {
        return new Shape(b, channels, height, width);
    }

    public int[] toArray() {
        return new int[] {batch, channels, height, width};
    }

    /** Describes a flat index as sample and (c, h, w) coordinates, for error messages. */
    public String locate(int flatIndex) {
        int sample = flatIndex / sampleSize();
        int r = flatIndex % sampleSize();
        int c = r / pixels();
        int p = r % pixels();
        return "sample " + sample + ", element (c=" + c + ", h=" + (p / width) + ", w=" + (p % width) + ")";
    }

    @Override
    public String toString() {
        return format(batch, channels, height, width);
    }

    private static String format(int b, int c, int h, int w) {
        return "[" + b + ", " + c + ", " + h + ", " + w + "]";
    }
}
