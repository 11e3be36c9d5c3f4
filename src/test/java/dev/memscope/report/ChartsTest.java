package dev.memscope.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import java.awt.Color;
import java.awt.GraphicsEnvironment;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every chart kind renders headless, is written as a PNG that ImageIO decodes to the requested pixel size with its
 * DPI recorded, and actually shows its data: the pixels of each series' palette colour are counted (bars are solid
 * fills, lines are drawn 2.2 points wide, so their centre pixels carry the exact colour).
 */
class ChartsTest {

    @TempDir
    Path dir;

    private static final ChartSize SMALL = new ChartSize(400, 260, 2);

    private static final double[] FPR = {0, 0.01, 0.05, 0.2, 0.5, 1};
    private static final double[] TPR_GOOD = {0, 0.6, 0.85, 0.95, 0.99, 1};
    private static final double[] TPR_WEAK = {0, 0.05, 0.2, 0.45, 0.7, 1};

    @Test
    void rocChartIsWrittenAsAPngOfTheRequestedSizeAndDpi() throws IOException {
        Palette p = Palette.fresh();
        Path f = dir.resolve("roc.png");
        RocChart.titled("ROC").palette(p)
                .curve("anisotropy", FPR, TPR_GOOD, 0.97)
                .curve("wen", FPR, TPR_WEAK, 0.71)
                .writePng(f, SMALL);
        assertThat(GraphicsEnvironment.isHeadless()).isTrue();
        BufferedImage img = ImageIO.read(f.toFile());
        assertThat(img).isNotNull();
        assertThat(img.getWidth()).isEqualTo(800);
        assertThat(img.getHeight()).isEqualTo(520);
        assertThat(pixelsPerMetre(f)).isEqualTo(Math.round(144 / 0.0254));
        assertThat(count(img, p.colorFor("anisotropy"))).isGreaterThan(500);
        assertThat(count(img, p.colorFor("wen"))).isGreaterThan(500);
        assertThat(dir.toFile().list()).containsExactly("roc.png");
    }

    @Test
    void defaultSizeIs1600By1040() throws IOException {
        Path f = dir.resolve("roc.png");
        RocChart.titled("ROC").curve("a", FPR, TPR_GOOD, 0.97).writePng(f);
        BufferedImage img = ImageIO.read(f.toFile());
        assertThat(img.getWidth()).isEqualTo(ChartSize.DEFAULT.pixelWidth()).isEqualTo(1600);
        assertThat(img.getHeight()).isEqualTo(1040);
    }

    @Test
    void logFprAxisDrawsZeroAtTheDecadeBelowTheSmallestPositiveFpr() {
        RocChart r = RocChart.titled("ROC").curve("a", FPR, TPR_GOOD, 0.97);
        assertThat(r.logFloor()).isEqualTo(0.01);
        r.curve("b", new double[]{0, 0.004, 1}, new double[]{0, 0.5, 1}, 0.8);
        assertThat(r.logFloor()).isEqualTo(0.001, org.assertj.core.data.Offset.offset(1e-15));
        BufferedImage linear = RocChart.titled("ROC").palette(Palette.fresh())
                .curve("a", FPR, TPR_GOOD, 0.97).render(SMALL);
        BufferedImage log = RocChart.titled("ROC").palette(Palette.fresh())
                .curve("a", FPR, TPR_GOOD, 0.97).logFpr().render(SMALL);
        assertThat(count(log, Palette.fresh().colorFor("a"))).isGreaterThan(500);
        assertThat(differingPixels(linear, log)).isGreaterThan(1000);
    }

    @Test
    void legendLabelsCarryTheAuc() {
        assertThat(RocChart.label("anisotropy", 0.98213)).isEqualTo("anisotropy (AUC 0.982)");
    }

    @Test
    void barChartGivesEachBarItsPaletteColour() throws IOException {
        Palette p = Palette.fresh();
        Path f = dir.resolve("speedup.png");
        BarChart.titled("Speed-up").valueAxis("x").palette(p)
                .bar("anisotropy", 48).bar("wen (first step)", 49).bar("wen (50 steps)", 1)
                .referenceLine("Wen full", 1)
                .writePng(f, SMALL);
        BufferedImage img = ImageIO.read(f.toFile());
        assertThat(img.getWidth()).isEqualTo(800);
        assertThat(img.getHeight()).isEqualTo(520);
        int tall = count(img, p.colorFor("anisotropy"));
        int shortBar = count(img, p.colorFor("wen (50 steps)"));
        assertThat(tall).isGreaterThan(10_000);
        assertThat(count(img, p.colorFor("wen (first step)"))).isGreaterThan(10_000);
        assertThat(shortBar).isPositive().isLessThan(tall / 10); // bar heights follow the values
    }

    @Test
    void groupedBarChartColoursBySeries() throws IOException {
        Palette p = Palette.fresh();
        Path f = dir.resolve("gbs.png");
        GroupedBarChart.titled("Throughput").axes("kernel", "GB/s").palette(p)
                .value("cpu", "norms", 11).value("cuda", "norms", 2450)
                .value("cpu", "cosine", 10).value("cuda", "cosine", 2210)
                .referenceLine("bandwidth", 3350)
                .writePng(f, SMALL);
        BufferedImage img = ImageIO.read(f.toFile());
        assertThat(img.getWidth()).isEqualTo(800);
        assertThat(count(img, p.colorFor("cuda"))).isGreaterThan(10_000);
        assertThat(count(img, p.colorFor("cpu"))).isPositive(); // small bars and the legend swatch
    }

    @Test
    void groupedBarChartNeedsEveryCategoryForEverySeries() {
        GroupedBarChart c = GroupedBarChart.titled("t").value("cpu", "norms", 1).value("cuda", "cosine", 2);
        assertThatThrownBy(() -> c.render(SMALL))
                .hasMessageContaining("series 'cpu' has no value for category 'cosine'");
    }

    @Test
    void scatterChartDrawsEveryGroup() throws IOException {
        Palette p = Palette.fresh();
        Path f = dir.resolve("tradeoff.png");
        ScatterChart.titled("Copying vs utility").axes("SSCD", "CLIP").palette(p)
                .point("AMG", "g=2", 0.31, 0.29).point("AMG", "g=4", 0.25, 0.27)
                .point("none", "baseline", 0.62, 0.31)
                .writePng(f, SMALL);
        BufferedImage img = ImageIO.read(f.toFile());
        assertThat(img.getHeight()).isEqualTo(520);
        assertThat(count(img, p.colorFor("AMG"))).isGreaterThan(2 * count(img, p.colorFor("none")) / 3);
        assertThat(count(img, p.colorFor("none"))).isGreaterThan(100);
    }

    @Test
    void nonFiniteOrOutOfRangeDataIsRefusedNamingTheSeries() {
        assertThatThrownBy(() -> RocChart.titled("r").curve("a", new double[]{0, Double.NaN}, new double[]{0, 1}, 0.5))
                .hasMessageContaining("'a fpr' value 1 is NaN");
        assertThatThrownBy(() -> RocChart.titled("r").curve("a", new double[]{0, 1.5}, new double[]{0, 1}, 0.5))
                .hasMessageContaining("point 1 (1.5, 1.0) lies outside [0, 1]");
        assertThatThrownBy(() -> RocChart.titled("r").curve("a", FPR, TPR_GOOD, Double.NaN))
                .hasMessageContaining("AUC NaN");
        assertThatThrownBy(() -> BarChart.titled("b").bar("x", Double.POSITIVE_INFINITY))
                .hasMessageContaining("bar 'x' has value Infinity");
        assertThatThrownBy(() -> ScatterChart.titled("s").point("p", Double.NaN, 1))
                .hasMessageContaining("point 'p'");
        assertThatThrownBy(() -> RocChart.titled("empty").render(SMALL)).hasMessageContaining("no curves");
    }

    @Test
    void aPaletteKeepsOneColourPerNameAcrossCharts() {
        Palette p = Palette.fresh();
        Color a = p.colorFor("anisotropy");
        Color w = p.colorFor("wen");
        assertThat(p.colorFor("anisotropy")).isEqualTo(a);
        assertThat(w).isNotEqualTo(a);
        assertThat(Palette.fresh().colorFor("wen")).isEqualTo(a); // first asked gets the first colour
        for (int i = 0; i < 30; i++) {
            for (int j = 0; j < i; j++) {
                assertThat(Palette.nth(i)).as("colour %d vs %d", i, j).isNotEqualTo(Palette.nth(j));
            }
        }
    }

    @Test
    void chartWriteFailureLeavesNothingBehind() throws IOException {
        Path blocker = dir.resolve("out");
        Files.writeString(blocker, "file");
        assertThatThrownBy(() -> RocChart.titled("r").curve("a", FPR, TPR_GOOD, 0.9)
                .writePng(blocker.resolve("roc.png"), SMALL)).isInstanceOf(IOException.class);
        assertThat(dir.toFile().list()).containsExactly("out");
    }

    private static int count(BufferedImage img, Color c) {
        int rgb = c.getRGB() & 0xFFFFFF;
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if ((img.getRGB(x, y) & 0xFFFFFF) == rgb) {
                    n++;
                }
            }
        }
        return n;
    }

    private static int differingPixels(BufferedImage a, BufferedImage b) {
        int n = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                if (a.getRGB(x, y) != b.getRGB(x, y)) {
                    n++;
                }
            }
        }
        return n;
    }

    /** The pHYs chunk's horizontal pixels per metre, read back through ImageIO's native PNG metadata. */
    private static long pixelsPerMetre(Path png) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(png.toFile())) {
            ImageReader reader = ImageIO.getImageReaders(in).next();
            try {
                reader.setInput(in);
                IIOMetadataNode root = (IIOMetadataNode) reader.getImageMetadata(0).getAsTree("javax_imageio_png_1.0");
                IIOMetadataNode phys = (IIOMetadataNode) root.getElementsByTagName("pHYs").item(0);
                assertThat(phys).as("pHYs chunk").isNotNull();
                assertThat(phys.getAttribute("unitSpecifier")).isEqualTo("meter");
                return Long.parseLong(phys.getAttribute("pixelsPerUnitXAxis"));
            } finally {
                reader.dispose();
            }
        }
    }
}
