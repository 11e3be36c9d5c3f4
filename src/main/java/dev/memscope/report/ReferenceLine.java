package dev.memscope.report;

import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.internal.chartpart.Annotation;
import org.knowm.xchart.internal.chartpart.AxesChart;

import java.awt.FontMetrics;
import java.awt.Graphics2D;

/** A labelled dashed line across a bar chart at a value (a measured bandwidth, a speed-up of 1). */
record ReferenceLine(String label, double value) {

    ReferenceLine {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("reference line '" + label + "' has value " + value);
        }
    }

    void addTo(AxesChart<?, ?> chart) {
        chart.addAnnotation(new AnnotationLine(value, false, false));
        chart.addAnnotation(new RightLabel(text(), value));
    }

    String text() {
        return label + " = " + Numbers.compact(value);
    }

    /**
     * The label sits just above the line at the right end of the plot, clear of the value axis' tick labels.
     * (XChart's AnnotationText takes an x in data units, which a category axis does not have.)
     */
    private static final class RightLabel extends Annotation {
        private final String text;
        private final double value;

        RightLabel(String text, double value) {
            super(false);
            this.text = text;
            this.value = value;
        }

        @Override
        public void paint(Graphics2D g) {
            if (!isVisible) {
                return;
            }
            g.setFont(styler.getAnnotationTextFont());
            g.setColor(styler.getAnnotationTextFontColor());
            FontMetrics fm = g.getFontMetrics();
            int x = getXAxisScreenValueForMax() - 6 - fm.stringWidth(text);
            int y = getYAxisScreenValue(value) - 5;
            g.drawString(text, x, y);
        }
    }
}
