package dev.memscope.report;

import dev.memscope.io.AtomicFiles;
import org.knowm.xchart.internal.chartpart.Chart;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

/** Headless rendering of XChart charts at a scale, and PNG encoding with the DPI recorded. */
final class Png {

    private Png() {
    }

    /**
     * Charts are drawn on servers and CI machines with no display. The property must be set before AWT decides
     * (at the first GraphicsEnvironment query), so every chart builder calls this before touching XChart.
     */
    static void ensureHeadless() {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    static BufferedImage paint(Chart<?, ?> chart, ChartSize size) {
        BufferedImage img = new BufferedImage(size.pixelWidth(), size.pixelHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.scale(size.scale(), size.scale());
            chart.paint(g, size.width(), size.height());
        } finally {
            g.dispose();
        }
        return img;
    }

    static void write(Path file, BufferedImage img, int dpi) throws IOException {
        AtomicFiles.write(file, out -> {
            ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
            try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
                ImageWriteParam param = writer.getDefaultWriteParam();
                IIOMetadata meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(img), param);
                meta.mergeTree("javax_imageio_png_1.0", dpiTree(dpi));
                writer.setOutput(ios);
                writer.write(null, new IIOImage(img, null, meta), param);
            } finally {
                writer.dispose();
            }
        });
    }

    /**
     * The PNG-native pHYs chunk, set directly: the JDK's writer misreads the standard tree's millimetres-per-pixel
     * (it stores 1000 x mm/pixel as pixels per metre), so the standard route would record 4.5 DPI instead of 144.
     */
    private static IIOMetadataNode dpiTree(int dpi) {
        String perMetre = Long.toString(Math.round(dpi / 0.0254));
        IIOMetadataNode phys = new IIOMetadataNode("pHYs");
        phys.setAttribute("pixelsPerUnitXAxis", perMetre);
        phys.setAttribute("pixelsPerUnitYAxis", perMetre);
        phys.setAttribute("unitSpecifier", "meter");
        IIOMetadataNode root = new IIOMetadataNode("javax_imageio_png_1.0");
        root.appendChild(phys);
        return root;
    }
}
