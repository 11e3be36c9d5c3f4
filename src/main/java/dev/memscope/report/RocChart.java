package dev.memscope.report;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * ROC curves of several detectors on one chart, with the chance diagonal and each curve's AUC in its legend label
 * ("anisotropy (AUC 0.982)"). The AUC is passed in, not recomputed here, so the chart shows exactly the number the
 * tables report. With {@link #logFpr()} the FPR axis is logarithmic, which is where "TPR at 1% FPR" can be read;
 * FPR values of 0 cannot sit on a log axis and are drawn at the axis floor (the decade at or below the smallest
 * positive FPR, at most 0.01).
 *
 * <pre>{@code
 * RocChart.titled("Memorized vs unmemorized prompts")
 *         .curve("anisotropy", roc.fpr(), roc.tpr(), roc.auc())
 *         .curve("wen (full)", ...)
 *         .logFpr()
 *         .writePng(out.resolve("roc.png"));
 * }</pre>
 */
public final class RocChart implements ReportChart {
    private static final int DIAGONAL_POINTS = 60;

    private record Curve(String name, double[] fpr, double[] tpr, double auc) {
    }

    private final String title;
    private final List<Curve> curves = new ArrayList<>();
    private boolean logFpr;
    private Palette palette = Palette.shared();

    private RocChart(String title) {
        this.title = title;
    }

    public static RocChart titled(String title) {
        return new RocChart(title);
    }

    /** Adds a curve; fpr and tpr are the ROC points in order, all in [0, 1]. */
    public RocChart curve(String name, double[] fpr, double[] tpr, double auc) {
        String what = "ROC chart '" + title + "'";
        if (fpr.length != tpr.length || fpr.length < 2) {
            throw new IllegalArgumentException(what + ": curve '" + name + "' needs matching fpr/tpr with at least"
                    + " 2 points, got " + fpr.length + " and " + tpr.length);
        }
        ChartStyle.requireFinite(what, name + " fpr", fpr);
        ChartStyle.requireFinite(what, name + " tpr", tpr);
        for (int i = 0; i < fpr.length; i++) {
            if (fpr[i] < 0 || fpr[i] > 1 || tpr[i] < 0 || tpr[i] > 1) {
                throw new IllegalArgumentException(what + ": curve '" + name + "' point " + i + " ("
                        + fpr[i] + ", " + tpr[i] + ") lies outside [0, 1]");
            }
        }
        if (!Double.isFinite(auc) || auc < 0 || auc > 1) {
            throw new IllegalArgumentException(what + ": curve '" + name + "' has AUC " + auc);
        }
        curves.add(new Curve(name, fpr.clone(), tpr.clone(), auc));
        return this;
    }

    /** A logarithmic FPR axis. */
    public RocChart logFpr() {
        this.logFpr = true;
        return this;
    }

    public RocChart palette(Palette palette) {
        this.palette = palette;
        return this;
    }

    /** The legend label of a curve. */
    static String label(String name, double auc) {
        return String.format(Locale.ROOT, "%s (AUC %.3f)", name, auc);
    }

    /** The FPR drawn for 0 on a log axis. */
    double logFloor() {
        double smallest = 1;
        for (Curve c : curves) {
            for (double f : c.fpr) {
                if (f > 0) {
                    smallest = Math.min(smallest, f);
                }
            }
        }
        double decade = Math.pow(10, Math.floor(Math.log10(smallest) + 1e-12));
        return Math.min(decade, 0.01);
    }

    @Override
    public BufferedImage render(ChartSize size) {
        if (curves.isEmpty()) {
            throw new IllegalStateException("ROC chart '" + title + "' has no curves");
        }
        Png.ensureHeadless();
        XYChart chart = new XYChart(size.width(), size.height());
        chart.setTitle(title);
        chart.setXAxisTitle(logFpr ? "False positive rate (log scale)" : "False positive rate");
        chart.setYAxisTitle("True positive rate");
        var s = chart.getStyler();
        ChartStyle.apply(s);
        s.setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        // Linear axes leave the lower right empty; on a log FPR axis curves sweep through it and the upper left
        // is the empty corner instead.
        s.setLegendPosition(logFpr ? Styler.LegendPosition.InsideNW : Styler.LegendPosition.InsideSE);
        s.setYAxisMin(0.0).setYAxisMax(1.0);
        s.setYAxisDecimalPattern("0.0");
        double floor = logFpr ? logFloor() : 0;
        if (logFpr) {
            s.setXAxisLogarithmic(true);
            s.setXAxisLogarithmicDecadeOnly(true);
            s.setXAxisMin(floor).setXAxisMax(1.0);
            s.setXAxisTickLabelsFormattingFunction(Numbers::compact);
        } else {
            s.setXAxisMin(0.0).setXAxisMax(1.0);
            s.setXAxisDecimalPattern("0.0");
        }
        for (Curve c : curves) {
            double[] x = c.fpr.clone();
            for (int i = 0; i < x.length; i++) {
                x[i] = Math.max(x[i], floor);
            }
            XYSeries series = chart.addSeries(label(c.name, c.auc), x, c.tpr);
            series.setMarker(SeriesMarkers.NONE);
            series.setLineColor(palette.colorFor(c.name));
            series.setLineStyle(new BasicStroke(2.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        }
        // The diagonal is sampled so it stays the curve y = x on a log axis as well.
        double[] d = new double[DIAGONAL_POINTS];
        for (int i = 0; i < d.length; i++) {
            double u = i / (double) (d.length - 1);
            d[i] = logFpr ? floor * Math.pow(1 / floor, u) : u;
        }
        XYSeries chance = chart.addSeries("chance", d, d.clone());
        chance.setMarker(SeriesMarkers.NONE);
        chance.setLineColor(ChartStyle.REFERENCE);
        chance.setLineStyle(ChartStyle.DASHED);
        return Png.paint(chart, size);
    }
}
