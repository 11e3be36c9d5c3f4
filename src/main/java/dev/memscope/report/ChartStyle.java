package dev.memscope.report;

import org.knowm.xchart.style.AxesChartStyler;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;

/** The one look of every MemScope chart: fonts sized for reading at the layout size, white plot, light grid. */
final class ChartStyle {
    static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 17);
    static final Font AXIS_TITLE = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
    static final Font TICKS = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    static final Font LEGEND = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    static final Font ANNOTATION = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    static final Color GRID = new Color(0xDDDDDD);
    static final Color REFERENCE = new Color(0x555555);
    static final BasicStroke DASHED = new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f,
            new float[]{6f, 4f}, 0f);

    private ChartStyle() {
    }

    static void apply(AxesChartStyler s) {
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotBorderColor(new Color(0x888888));
        s.setChartFontColor(Color.BLACK);
        s.setChartTitleFont(TITLE);
        s.setChartTitleBoxVisible(false);
        s.setAxisTitleFont(AXIS_TITLE);
        s.setAxisTickLabelsFont(TICKS);
        s.setAxisTickLabelsColor(Color.BLACK);
        s.setLegendFont(LEGEND);
        s.setLegendBackgroundColor(new Color(255, 255, 255, 230));
        s.setLegendBorderColor(new Color(0xAAAAAA));
        s.setPlotGridLinesColor(GRID);
        s.setPlotGridLinesStroke(new BasicStroke(1f));
        s.setAnnotationTextFont(ANNOTATION);
        s.setAnnotationTextFontColor(REFERENCE);
        s.setAnnotationLineColor(REFERENCE);
        s.setAnnotationLineStroke(DASHED);
        s.setChartPadding(12);
        s.setLocale(java.util.Locale.ROOT);
        s.setAntiAlias(true);
        s.setTextAntiAlias(true);
    }

    static void requireFinite(String chart, String series, double[] values) {
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new IllegalArgumentException(chart + ": series '" + series + "' value " + i + " is " + values[i]);
            }
        }
    }
}
