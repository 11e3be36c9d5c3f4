package dev.memscope.report;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Vertical bars of named values, each bar in its name's palette colour, with an optional labelled reference line
 * (speed-up over full-denoising Wen with a line at 1x; GB/s with a line at the measured memory bandwidth).
 *
 * <pre>{@code
 * BarChart.titled("Speed-up over Wen (50 steps)")
 *         .valueAxis("speed-up (x)")
 *         .bar("anisotropy", 48.2).bar("wen (first step)", 49.0)
 *         .referenceLine("Wen full", 1.0)
 *         .writePng(out.resolve("speedup.png"));
 * }</pre>
 */
public final class BarChart implements ReportChart {
    private final String title;
    private final List<String> names = new ArrayList<>();
    private final List<Double> values = new ArrayList<>();
    private String categoryAxis = "";
    private String valueAxis = "";
    private ReferenceLine reference;
    private Palette palette = Palette.shared();

    private BarChart(String title) {
        this.title = title;
    }

    public static BarChart titled(String title) {
        return new BarChart(title);
    }

    public BarChart bar(String name, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("bar chart '" + title + "': bar '" + name + "' has value " + value);
        }
        if (names.contains(name)) {
            throw new IllegalArgumentException("bar chart '" + title + "': bar '" + name + "' given twice");
        }
        names.add(name);
        values.add(value);
        return this;
    }

    public BarChart valueAxis(String title) {
        this.valueAxis = title;
        return this;
    }

    public BarChart categoryAxis(String title) {
        this.categoryAxis = title;
        return this;
    }

    public BarChart referenceLine(String label, double value) {
        this.reference = new ReferenceLine(label, value);
        return this;
    }

    public BarChart palette(Palette palette) {
        this.palette = palette;
        return this;
    }

    @Override
    public BufferedImage render(ChartSize size) {
        if (names.isEmpty()) {
            throw new IllegalStateException("bar chart '" + title + "' has no bars");
        }
        // One series per bar, zero at every other category, stacked: XChart colours by series, this gives each bar
        // its own colour without shifting bars sideways as grouped series would.
        Map<String, double[]> series = new LinkedHashMap<>();
        Map<String, Color> colors = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            double[] v = new double[names.size()];
            v[i] = values.get(i);
            series.put(names.get(i), v);
            colors.put(names.get(i), palette.colorFor(names.get(i)));
        }
        return CategoryBars.render(size, title, categoryAxis, valueAxis, names, series, colors, true, false,
                reference);
    }
}
