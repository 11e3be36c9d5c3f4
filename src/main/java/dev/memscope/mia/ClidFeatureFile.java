package dev.memscope.mia;

import dev.memscope.io.AtomicFiles;
import dev.memscope.io.InputFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * The released CLiD feature format: plain UTF-8 text, one sample per line, five tab-separated numbers
 * ({@link ClidFeatures#COLUMNS}), no header, final newline optional, CRLF accepted. Errors name the file and line:
 * missing or empty files, blank lines, wrong column counts, non-numbers, NaN or infinities.
 *
 * <p>The authors' scoring scripts drop the first line of every file (they expect a header line the released files
 * do not have); {@code skipFirstRow} reproduces that.
 */
public final class ClidFeatureFile {
    private ClidFeatureFile() {
    }

    public static ClidFeatures read(Path file) throws IOException {
        return read(file, false);
    }

    public static ClidFeatures read(Path file, boolean skipFirstRow) throws IOException {
        double[][] rows = NumericTextTable.read(file, "CLiD feature file", ClidFeatures.COLUMNS, skipFirstRow);
        return new ClidFeatures(file.getFileName().toString(), rows);
    }

    /** Writes features in the released format ({@code %.5g}-like: 17 significant digits here), atomically. */
    public static void write(ClidFeatures f, Path file) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (double[] row : f.rows()) {
            for (int j = 0; j < row.length; j++) {
                sb.append(j == 0 ? "" : "\t").append(String.format(Locale.ROOT, "%.17g", row[j]));
            }
            sb.append('\n');
        }
        AtomicFiles.writeString(file, sb.toString());
    }
}
