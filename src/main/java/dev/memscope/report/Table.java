package dev.memscope.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A table of typed cells with per-column alignment and number format, rendered as a fixed-width console table
 * ({@link #toConsole()}) or a GitHub Markdown table ({@link #toMarkdown()}). Rows keep the raw values, so the same
 * table can also go to CSV at full precision ({@link Csv#write(java.nio.file.Path, Table)}).
 *
 * <pre>{@code
 * Table t = Table.builder()
 *         .column("detector")                                    // text, left-aligned
 *         .column("AUC", Align.RIGHT, CellFormat.fixed(3))
 *         .column("speed-up", Align.RIGHT, CellFormat.times(1))
 *         .row("anisotropy", 0.9812, 41.3)
 *         .build();
 * System.out.print(t.toConsole());
 * }</pre>
 */
public final class Table {

    /** One column: its header, alignment and how its cells become text. */
    public record Column(String header, Align align, CellFormat format) {
        public Column {
            Objects.requireNonNull(header, "header");
            Objects.requireNonNull(align, "align");
            Objects.requireNonNull(format, "format");
        }
    }

    private static final String GAP = "  ";

    private final List<Column> columns;
    private final List<List<Object>> rows;

    private Table(List<Column> columns, List<List<Object>> rows) {
        this.columns = List.copyOf(columns);
        List<List<Object>> copy = new ArrayList<>(rows.size());
        for (List<Object> r : rows) {
            copy.add(Collections.unmodifiableList(new ArrayList<>(r))); // cells may be null, so not List.copyOf
        }
        this.rows = Collections.unmodifiableList(copy);
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<Column> columns() {
        return columns;
    }

    /** The raw cell values, row by row (null cells allowed). */
    public List<List<Object>> rows() {
        return rows;
    }

    /** The headers, in column order. */
    public List<String> headers() {
        return columns.stream().map(Column::header).toList();
    }

    /** The formatted text of one cell, before any escaping. Line breaks become spaces: a cell is one line. */
    public String cell(int row, int column) {
        String s = columns.get(column).format().format(rows.get(row).get(column));
        return s.replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ');
    }

    /**
     * Fixed-width text: headers, a dashed rule, then the rows; columns separated by two spaces, each padded to
     * its widest cell and aligned as declared. Every line ends with '\n' and has no trailing spaces.
     */
    public String toConsole() {
        String[][] grid = grid(false);
        int[] width = widths(grid);
        StringBuilder sb = new StringBuilder();
        for (int r = 0; r < grid.length; r++) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < columns.size(); c++) {
                if (c > 0) {
                    line.append(GAP);
                }
                line.append(pad(grid[r][c], width[c], columns.get(c).align()));
            }
            sb.append(stripTrailing(line)).append('\n');
            if (r == 0) {
                StringBuilder rule = new StringBuilder();
                for (int c = 0; c < columns.size(); c++) {
                    if (c > 0) {
                        rule.append(GAP);
                    }
                    rule.append("-".repeat(width[c]));
                }
                sb.append(rule).append('\n');
            }
        }
        return sb.toString();
    }

    /**
     * A GitHub-flavoured Markdown table. '|' inside cells is escaped as '\|' (and a backslash before it doubled),
     * the delimiter row carries the alignment ({@code :--}, {@code --:}, {@code :-:}), and cells are padded so the
     * source reads as a table too.
     */
    public String toMarkdown() {
        String[][] grid = grid(true);
        int[] width = widths(grid);
        for (int c = 0; c < width.length; c++) {
            width[c] = Math.max(width[c], 3); // room for ":-:"
        }
        StringBuilder sb = new StringBuilder();
        for (int r = 0; r < grid.length; r++) {
            sb.append('|');
            for (int c = 0; c < columns.size(); c++) {
                sb.append(' ').append(pad(grid[r][c], width[c], columns.get(c).align())).append(" |");
            }
            sb.append('\n');
            if (r == 0) {
                sb.append('|');
                for (int c = 0; c < columns.size(); c++) {
                    sb.append(' ').append(delimiter(width[c], columns.get(c).align())).append(" |");
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return toConsole();
    }

    /** Escapes text for one Markdown table cell. */
    static String escapeMarkdownCell(String s) {
        return s.replace("\\|", "\\\\|").replace("|", "\\|");
    }

    private String[][] grid(boolean markdown) {
        String[][] g = new String[rows.size() + 1][columns.size()];
        for (int c = 0; c < columns.size(); c++) {
            String h = columns.get(c).header().replace('\n', ' ');
            g[0][c] = markdown ? escapeMarkdownCell(h) : h;
        }
        for (int r = 0; r < rows.size(); r++) {
            for (int c = 0; c < columns.size(); c++) {
                String s = cell(r, c);
                g[r + 1][c] = markdown ? escapeMarkdownCell(s) : s;
            }
        }
        return g;
    }

    private static int[] widths(String[][] grid) {
        int[] w = new int[grid[0].length];
        for (String[] row : grid) {
            for (int c = 0; c < row.length; c++) {
                w[c] = Math.max(w[c], row[c].codePointCount(0, row[c].length()));
            }
        }
        return w;
    }

    private static String pad(String s, int width, Align align) {
        int fill = width - s.codePointCount(0, s.length());
        return switch (align) {
            case LEFT -> s + " ".repeat(fill);
            case RIGHT -> " ".repeat(fill) + s;
            case CENTER -> " ".repeat(fill / 2) + s + " ".repeat(fill - fill / 2);
        };
    }

    private static String delimiter(int width, Align align) {
        return switch (align) {
            case LEFT -> ":" + "-".repeat(width - 1);
            case RIGHT -> "-".repeat(width - 1) + ":";
            case CENTER -> ":" + "-".repeat(width - 2) + ":";
        };
    }

    private static String stripTrailing(StringBuilder line) {
        int end = line.length();
        while (end > 0 && line.charAt(end - 1) == ' ') {
            end--;
        }
        return line.substring(0, end);
    }

    /** Declares the columns, then adds rows with exactly one value per column. */
    public static final class Builder {
        private final List<Column> columns = new ArrayList<>();
        private final List<List<Object>> rows = new ArrayList<>();

        private Builder() {
        }

        /** A left-aligned text column. */
        public Builder column(String header) {
            return column(header, Align.LEFT, CellFormat.text());
        }

        public Builder column(String header, Align align, CellFormat format) {
            if (!rows.isEmpty()) {
                throw new IllegalStateException("column '" + header + "' declared after rows were added");
            }
            columns.add(new Column(header, align, format));
            return this;
        }

        public Builder row(Object... cells) {
            return row(Arrays.asList(cells));
        }

        public Builder row(List<?> cells) {
            if (columns.isEmpty()) {
                throw new IllegalStateException("declare the columns before adding rows");
            }
            if (cells.size() != columns.size()) {
                throw new IllegalArgumentException("row " + rows.size() + " has " + cells.size()
                        + " cells but the table has " + columns.size() + " columns " + headers());
            }
            rows.add(new ArrayList<>(cells));
            return this;
        }

        public Table build() {
            if (columns.isEmpty()) {
                throw new IllegalStateException("a table needs at least one column");
            }
            return new Table(columns, rows);
        }

        private List<String> headers() {
            return columns.stream().map(Column::header).toList();
        }
    }
}
