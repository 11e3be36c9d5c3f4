package dev.memscope.report;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Bars grouped by category, one coloured series per group member (GB/s per kernel, one bar per backend), with a
 * legend below the plot and an optional labelled reference line. Every series needs a value for every category.
 *
 * <pre>{@code
 * GroupedBarChart.titled("Kernel throughput").axes("kernel", "GB/s")
 *         .value("cpu", "norms", 11.2).value("cuda", "norms", 2450)
 *         .value("cpu", "cosine", 9.8).value("cuda", "cosine", 2210)
 *         .referenceLine("HBM bandwidth", 3350)
 *         .writePng(out.resolve("throughput.png"));
 * }</pre>
 */
public final class GroupedBarChart implements ReportChart {
    private final String title;
    private final List<String> categories = new ArrayList<>();
    private final Map<String, Map<String, Double>> values = new LinkedHashMap<>();
    private String categoryAxis = "";
    private String valueAxis = "";
    private ReferenceLine reference;
    private Palette palette = Palette.shared();

    private GroupedBarChart(String title) {
        this.title = title;
    }

    public static GroupedBarChart titled(String title) {
        return new GroupedBarChart(title);
    }

    public GroupedBarChart axes(String categoryAxis, String valueAxis) {
        this.categoryAxis = categoryAxis;
        this.valueAxis = valueAxis;
        return this;
    }

    /** Sets the bar of {@code series} in {@code category}; categories appear in first-given order. */
    public GroupedBarChart value(String series, String category, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("grouped bar chart '" + title + "': series '" + series
                    + "', category '" + category + "' has value " + value);
        }
        if (!categories.contains(category)) {
            categories.add(category);
        }
        if (values.computeIfAbsent(series, k -> new LinkedHashMap<>()).put(category, value) != null) {
            throw new IllegalArgumentException("grouped bar chart '" + title + "': series '" + series
                    + "', category '" + category + "' given twice");
        }
        return this;
    }

    public GroupedBarChart referenceLine(String label, double value) {
        this.reference = new ReferenceLine(label, value);
        return this;
    }

    public GroupedBarChart palette(Palette palette) {
        this.palette = palette;
        return this;
    }

    @Override
    public BufferedImage render(ChartSize size) {
        if (values.isEmpty()) {
            throw new IllegalStateException("grouped bar chart '" + title + "' has no values");
        }
        Map<String, double[]> series = new LinkedHashMap<>();
        Map<String, Color> colors = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, Double>> e : values.entrySet()) {
            double[] v = new double[categories.size()];
            for (int c = 0; c < v.length; c++) {
                Double x = e.getValue().get(categories.get(c));
                if (x == null) {
                    throw new IllegalStateException("grouped bar chart '" + title + "': series '" + e.getKey()
                            + "' has no value for category '" + categories.get(c) + "'");
                }
                v[c] = x;
            }
            series.put(e.getKey(), v);
            colors.put(e.getKey(), palette.colorFor(e.getKey()));
        }
        return CategoryBars.render(size, title, categoryAxis, valueAxis, categories, series, colors, false, true,
                reference);
    }
}
