package dev.memscope.report;

import dev.memscope.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * CSV as RFC 4180 defines it: CRLF line ends, a field is quoted when it holds a comma, a double quote, CR or LF
 * (or starts/ends with a space, which some readers trim), and a quote inside a quoted field is doubled. Numbers
 * are written at full precision ({@link Double#toString}, {@link Long#toString}); {@code null} is an empty field.
 * A NaN or infinite number is refused, naming its row and column: a score file with a silent "NaN" would poison
 * every consumer downstream. Files are written atomically.
 *
 * <p>Text cells that begin with {@code =}, {@code +}, {@code -}, {@code @}, a tab or a carriage return are
 * neutralised with a leading apostrophe ({@link #neutralise}): prompt text reaches these files, and a spreadsheet
 * would run such a cell as a formula (CSV injection). Numbers are written as numbers, so -0.5 stays -0.5.
 */
public final class Csv {
    private static final String EOL = "\r\n";

    private Csv() {
    }

    /** Writes a header line and the rows; every row must have as many fields as the header. */
    public static void write(Path file, List<String> header, List<? extends List<?>> rows) throws IOException {
        AtomicFiles.writeString(file, format(file.toString(), header, rows));
    }

    /** Writes a table's headers and raw (unformatted, full-precision) cell values. */
    public static void write(Path file, Table table) throws IOException {
        write(file, table.headers(), table.rows());
    }

    /** The CSV text; {@code source} names the data in error messages (a file name, say). */
    public static String format(String source, List<String> header, List<? extends List<?>> rows) {
        StringBuilder sb = new StringBuilder();
        line(sb, source, -1, header, header.size());
        for (int r = 0; r < rows.size(); r++) {
            line(sb, source, r, rows.get(r), header.size());
        }
        return sb.toString();
    }

    /** One field, quoted where RFC 4180 needs it. */
    public static String field(String s) {
        boolean quote = s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0
                || (!s.isEmpty() && (s.charAt(0) == ' ' || s.charAt(s.length() - 1) == ' '));
        return quote ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }

    private static void line(StringBuilder sb, String source, int row, List<?> cells, int width) {
        if (cells.size() != width) {
            throw new IllegalArgumentException(source + ": row " + row + " has " + cells.size()
                    + " fields but the header has " + width);
        }
        for (int c = 0; c < cells.size(); c++) {
            if (c > 0) {
                sb.append(',');
            }
            sb.append(field(text(source, row, c, cells.get(c))));
        }
        sb.append(EOL);
    }

    private static String text(String source, int row, int column, Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (!Double.isFinite(d)) {
                throw new IllegalArgumentException(source + ": row " + row + ", column " + column + " is " + d
                        + "; CSV output refuses non-finite numbers");
            }
            return v.toString();
        }
        if (v instanceof Number || v instanceof Boolean) {
            return String.valueOf(v);
        }
        return neutralise(String.valueOf(v));
    }

    /** A text cell a spreadsheet would not evaluate: a leading formula character gets an apostrophe before it. */
    public static String neutralise(String s) {
        if (s.isEmpty()) {
            return s;
        }
        char c = s.charAt(0);
        return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r' ? "'" + s : s;
    }
}
