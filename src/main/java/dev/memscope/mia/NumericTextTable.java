package dev.memscope.mia;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The text layout every released CLiD-paper file shares (features and baseline scores alike): UTF-8, one sample
 * per line, a fixed number of tab-separated finite decimals, no header, final newline optional, CRLF accepted.
 * Errors name the file, the 1-based line and, for a bad value, the column: missing or empty files, blank lines,
 * wrong column counts, non-numbers, NaN or infinities.
 */
final class NumericTextTable {
    private NumericTextTable() {
    }

    /**
     * @param kind         what the file is, for messages ("CLiD feature file")
     * @param columns      the column names, in order; their count is the required width
     * @param skipFirstRow drop line 1 unread, as the authors' scripts do (they expect a header line)
     */
    static double[][] read(Path file, String kind, String[] columns, boolean skipFirstRow) throws IOException {
        String text;
        try {
            text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": no such " + kind);
        }
        if (text.isEmpty()) {
            throw new IOException(file + ": empty " + kind + " (expected lines of " + width(columns) + ")");
        }
        String[] lines = text.split("\r?\n", -1);
        int n = lines.length;
        if (lines[n - 1].isEmpty()) {
            n--; // final newline
        }
        List<double[]> rows = new ArrayList<>(n);
        for (int i = skipFirstRow ? 1 : 0; i < n; i++) {
            rows.add(parse(file, i + 1, lines[i], columns));
        }
        if (rows.isEmpty()) {
            throw new IOException(file + ": no samples" + (skipFirstRow ? " after skipping the first line" : ""));
        }
        return rows.toArray(new double[0][]);
    }

    private static String width(String[] columns) {
        return columns.length == 1 ? "one number" : columns.length + " tab-separated numbers";
    }

    private static double[] parse(Path file, int line, String s, String[] columns) throws IOException {
        String where = file + ":" + line + ": ";
        if (s.isBlank()) {
            throw new IOException(where + "blank line");
        }
        String[] cols = s.split("\t", -1);
        if (cols.length != columns.length) {
            throw new IOException(where + cols.length + " tab-separated columns, expected " + columns.length
                    + " (" + String.join(", ", columns) + ")");
        }
        double[] out = new double[cols.length];
        for (int j = 0; j < cols.length; j++) {
            String c = cols[j].trim();
            double v;
            try {
                v = Double.parseDouble(c);
            } catch (NumberFormatException e) {
                throw new IOException(where + "column " + (j + 1) + " (" + columns[j] + ") '" + c
                        + "' is not a number");
            }
            // Double.parseDouble accepts "NaN", "Infinity" and hex floats with a type suffix ("1d"); only plain
            // finite decimals are features.
            if (!Double.isFinite(v) || c.matches(".*[a-dA-Df-zF-Z].*")) {
                throw new IOException(where + "column " + (j + 1) + " (" + columns[j] + ") '" + c
                        + "' is not a finite decimal number");
            }
            out[j] = v;
        }
        return out;
    }
}
