package dev.memscope.report;

import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Labelled points, optionally in coloured groups (copying score against utility for each mitigation method, say).
 * Each point carries its label just above it; the legend lists the groups and is shown when there is more than one.
 *
 * <pre>{@code
 * ScatterChart.titled("Copying vs utility").axes("SSCD similarity", "CLIP score")
 *         .point("AMG", "g=2", 0.31, 0.29)
 *         .point("none", "baseline", 0.62, 0.31)
 *         .writePng(out.resolve("tradeoff.png"));
 * }</pre>
 */
public final class ScatterChart implements ReportChart {
    private static final String DEFAULT_GROUP = "points";

    private record Point(String label, double x, double y) {
    }

    private final String title;
    private final Map<String, List<Point>> groups = new LinkedHashMap<>();
    private String xAxis = "";
    private String yAxis = "";
    private Palette palette = Palette.shared();

    private ScatterChart(String title) {
        this.title = title;
    }

    public static ScatterChart titled(String title) {
        return new ScatterChart(title);
    }

    public ScatterChart axes(String xAxis, String yAxis) {
        this.xAxis = xAxis;
        this.yAxis = yAxis;
        return this;
    }

    /** A point in the default group. */
    public ScatterChart point(String label, double x, double y) {
        return point(DEFAULT_GROUP, label, x, y);
    }

    public ScatterChart point(String group, String label, double x, double y) {
        if (!Double.isFinite(x) || !Double.isFinite(y)) {
            throw new IllegalArgumentException("scatter chart '" + title + "': point '" + label + "' of group '"
                    + group + "' is (" + x + ", " + y + ")");
        }
        groups.computeIfAbsent(group, g -> new ArrayList<>()).add(new Point(label, x, y));
        return this;
    }

    public ScatterChart palette(Palette palette) {
        this.palette = palette;
        return this;
    }

    @Override
    public BufferedImage render(ChartSize size) {
        if (groups.isEmpty()) {
            throw new IllegalStateException("scatter chart '" + title + "' has no points");
        }
        Png.ensureHeadless();
        XYChart chart = new XYChart(size.width(), size.height());
        chart.setTitle(title);
        chart.setXAxisTitle(xAxis);
        chart.setYAxisTitle(yAxis);
        var s = chart.getStyler();
        ChartStyle.apply(s);
        s.setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        s.setMarkerSize(11);
        s.setLegendVisible(groups.size() > 1);
        s.setLegendPosition(Styler.LegendPosition.OutsideE);
        s.setAnnotationTextFontColor(java.awt.Color.BLACK);

        double xMin = Double.POSITIVE_INFINITY, xMax = Double.NEGATIVE_INFINITY;
        double yMin = Double.POSITIVE_INFINITY, yMax = Double.NEGATIVE_INFINITY;
        for (List<Point> ps : groups.values()) {
            for (Point p : ps) {
                xMin = Math.min(xMin, p.x);
                xMax = Math.max(xMax, p.x);
                yMin = Math.min(yMin, p.y);
                yMax = Math.max(yMax, p.y);
            }
        }
        // An axis spans at least 10% of its largest magnitude, so differences at the level of rounding noise
        // (methods that leave a metric unchanged) are not blown up across the whole plot.
        double[] xr = atLeast(xMin, xMax);
        double[] yr = atLeast(yMin, yMax);
        xMin = xr[0];
        xMax = xr[1];
        yMin = yr[0];
        yMax = yr[1];
        // Margins so markers and their labels stay inside the plot.
        double xPad = (xMax - xMin) * 0.08;
        double yPad = (yMax - yMin) * 0.12;
        s.setXAxisMin(xMin - xPad).setXAxisMax(xMax + xPad);
        s.setYAxisMin(yMin - yPad).setYAxisMax(yMax + yPad);

        for (Map.Entry<String, List<Point>> g : groups.entrySet()) {
            List<Point> ps = g.getValue();
            double[] x = ps.stream().mapToDouble(Point::x).toArray();
            double[] y = ps.stream().mapToDouble(Point::y).toArray();
            XYSeries series = chart.addSeries(g.getKey(), x, y);
            series.setMarker(SeriesMarkers.CIRCLE);
            series.setMarkerColor(palette.colorFor(g.getKey()));
        }
        // Points that (nearly) coincide would print their labels on top of each other: one joined label instead.
        double xSpan = xMax - xMin + 2 * xPad;
        double ySpan = yMax - yMin + 2 * yPad;
        List<Point> all = new java.util.ArrayList<>();
        groups.values().forEach(all::addAll);
        boolean[] done = new boolean[all.size()];
        for (int i = 0; i < all.size(); i++) {
            if (done[i]) {
                continue;
            }
            Point p = all.get(i);
            StringBuilder label = new StringBuilder(p.label);
            List<Point> cluster = new java.util.ArrayList<>(List.of(p));
            // Single linkage: a label is ~8% of the plot wide, so points closer than that share one label.
            for (boolean grew = true; grew; ) {
                grew = false;
                for (int j = i + 1; j < all.size(); j++) {
                    Point q = all.get(j);
                    if (!done[j] && cluster.stream().anyMatch(c -> Math.abs(q.x - c.x) < 0.08 * xSpan
                            && Math.abs(q.y - c.y) < 0.04 * ySpan)) {
                        label.append(" / ").append(q.label);
                        cluster.add(q);
                        done[j] = true;
                        grew = true;
                    }
                }
            }
            chart.addAnnotation(new AnnotationText(label.toString(), p.x, p.y + yPad * 0.35, false));
        }
        return Png.paint(chart, size);
    }

    private static double[] atLeast(double min, double max) {
        double need = Math.max(0.1 * Math.max(Math.abs(min), Math.abs(max)), 1e-12);
        if (max - min >= need) {
            return new double[] {min, max};
        }
        double mid = 0.5 * (min + max);
        return new double[] {mid - need / 2, mid + need / 2};
    }
}
