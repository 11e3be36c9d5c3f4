package dev.memscope.mia;

import dev.memscope.io.AtomicFiles;
import dev.memscope.io.InputFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
        String text;
        try {
            text = new String(InputFiles.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": no such CLiD feature file");
        }
        if (text.isEmpty()) {
            throw new IOException(file + ": empty CLiD feature file (expected lines of "
                    + ClidFeatures.COLUMNS.length + " tab-separated numbers)");
        }
        String[] lines = text.split("\r?\n", -1);
        int n = lines.length;
        if (lines[n - 1].isEmpty()) {
            n--; // final newline
        }
        List<double[]> rows = new ArrayList<>(n);
        for (int i = skipFirstRow ? 1 : 0; i < n; i++) {
            rows.add(parse(file, i + 1, lines[i]));
        }
        if (rows.isEmpty()) {
            throw new IOException(file + ": no samples" + (skipFirstRow ? " after skipping the first line" : ""));
        }
        return new ClidFeatures(file.getFileName().toString(), rows.toArray(new double[0][]));
    }

    private static double[] parse(Path file, int line, String s) throws IOException {
        String where = file + ":" + line + ": ";
        if (s.isBlank()) {
            throw new IOException(where + "blank line");
        }
        String[] cols = s.split("\t", -1);
        if (cols.length != ClidFeatures.COLUMNS.length) {
            throw new IOException(where + cols.length + " tab-separated columns, expected "
                    + ClidFeatures.COLUMNS.length + " (" + String.join(", ", ClidFeatures.COLUMNS) + ")");
        }
        double[] out = new double[cols.length];
        for (int j = 0; j < cols.length; j++) {
            String c = cols[j].trim();
            double v;
            try {
                v = Double.parseDouble(c);
            } catch (NumberFormatException e) {
                throw new IOException(where + "column " + (j + 1) + " (" + ClidFeatures.COLUMNS[j] + ") '" + c
                        + "' is not a number");
            }
            // Double.parseDouble accepts "NaN", "Infinity" and hex floats with a type suffix ("1d"); only plain
            // finite decimals are features.
            if (!Double.isFinite(v) || c.matches(".*[a-dA-Df-zF-Z].*")) {
                throw new IOException(where + "column " + (j + 1) + " (" + ClidFeatures.COLUMNS[j] + ") '" + c
                        + "' is not a finite decimal number");
            }
            out[j] = v;
        }
        return out;
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
