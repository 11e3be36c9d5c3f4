package dev.memscope.report;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

/** A chart that can be rendered headless and written as a PNG (atomically). */
public interface ReportChart {

    /** Renders at {@code size.pixelWidth() x size.pixelHeight()} pixels. */
    BufferedImage render(ChartSize size);

    default void writePng(Path file) throws IOException {
        writePng(file, ChartSize.DEFAULT);
    }

    default void writePng(Path file, ChartSize size) throws IOException {
        Png.write(file, render(size), size.dpi());
    }
}
