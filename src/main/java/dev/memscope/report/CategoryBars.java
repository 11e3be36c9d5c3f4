package dev.memscope.report;

import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.style.Styler;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** The XChart category chart behind {@link BarChart} and {@link GroupedBarChart}. */
final class CategoryBars {

    private CategoryBars() {
    }

    /**
     * @param series  series name to one value per category (zeros where a stacked series has no bar)
     * @param stacked draw series on top of each other (used to give each bar of a plain bar chart its own colour)
     */
    static BufferedImage render(ChartSize size, String title, String categoryTitle, String valueTitle,
                                List<String> categories, Map<String, double[]> series, Map<String, Color> colors,
                                boolean stacked, boolean legend, ReferenceLine reference) {
        Png.ensureHeadless();
        CategoryChart chart = new CategoryChart(size.width(), size.height());
        chart.setTitle(title);
        chart.setXAxisTitle(categoryTitle);
        chart.setYAxisTitle(valueTitle);
        var s = chart.getStyler();
        ChartStyle.apply(s);
        s.setDefaultSeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Bar);
        s.setStacked(stacked);
        s.setLegendVisible(legend);
        s.setLegendPosition(Styler.LegendPosition.OutsideS);
        s.setLegendLayout(Styler.LegendLayout.Horizontal);
        s.setPlotGridVerticalLinesVisible(false);
        s.setAvailableSpaceFill(stacked ? 0.6 : 0.8);
        int longest = categories.stream().mapToInt(String::length).max().orElse(0);
        if (longest * categories.size() > 90) { // labels would collide side by side
            s.setXAxisLabelRotation(30);
        }
        double max = 0;
        double min = 0;
        for (double[] v : series.values()) {
            for (double x : v) {
                max = Math.max(max, x);
                min = Math.min(min, x);
            }
        }
        if (stacked) { // a stack's height is the sum of its values
            max = 0;
            for (int c = 0; c < categories.size(); c++) {
                double sum = 0;
                for (double[] v : series.values()) {
                    sum += v[c];
                }
                max = Math.max(max, sum);
            }
        }
        if (reference != null) {
            max = Math.max(max, reference.value());
            min = Math.min(min, reference.value());
        }
        double range = max - min == 0 ? 1 : max - min;
        s.setYAxisMin(min);
        s.setYAxisMax(max + 0.08 * range); // headroom for the reference label
        for (Map.Entry<String, double[]> e : series.entrySet()) {
            CategorySeries cs = chart.addSeries(e.getKey(), categories, Arrays.stream(e.getValue()).boxed().toList());
            cs.setFillColor(colors.get(e.getKey()));
        }
        if (reference != null) {
            reference.addTo(chart);
        }
        return Png.paint(chart, size);
    }
}
