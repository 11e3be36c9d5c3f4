package dev.memscope.json;

import java.nio.file.Path;

/**
 * A JSON file that cannot be used, positioned: {@code file:line:column: 'field.path' problem}. Unchecked so that
 * readers can let it through as a bad-input error; {@link #problem()} gives the text without the file for
 * callers whose own exception already names it.
 */
public final class JsonFormatException extends IllegalArgumentException {
    private final transient Path file;
    private final int line;
    private final int column;
    private final String field;
    private final String problem;

    JsonFormatException(Path file, int line, int column, String field, String problem) {
        super(file + ":" + position(line, column, field, problem));
        this.file = file;
        this.line = line;
        this.column = column;
        this.field = field;
        this.problem = problem;
    }

    private static String position(int line, int column, String field, String problem) {
        String where = line > 0 ? line + ":" + column + ": " : " ";
        return where + (field.isEmpty() ? "" : "'" + field + "' ") + problem;
    }

    public Path file() {
        return file;
    }

    /** 1-based; 0 when the position is unknown (an empty or unreadable file). */
    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    /** The field path, {@code shards[2].sha256}; empty for the document itself. */
    public String field() {
        return field;
    }

    /** {@code line 12, column 7: 'shards[2].sha256' must be a string, got 5}: everything but the file. */
    public String positionedProblem() {
        String where = line > 0 ? "line " + line + ", column " + column + ": " : "";
        return where + (field.isEmpty() ? "" : "'" + field + "' ") + problem;
    }

    /** The problem alone, without file, position or field. */
    public String problem() {
        return problem;
    }
}
