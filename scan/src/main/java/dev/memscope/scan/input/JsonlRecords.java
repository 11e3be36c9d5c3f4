package dev.memscope.scan.input;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * JSON Lines: one object per line, the caption in the first of {@code columns} the object has. A line that is not
 * a JSON object with a string there is a reject (its reason says which), not an error.
 */
final class JsonlRecords implements RecordReader {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final LineReader lines;
    private final List<String> columns;

    JsonlRecords(Path file, List<String> columns) throws IOException {
        this.lines = new LineReader(Files.newInputStream(file));
        this.columns = columns;
    }

    @Override
    public RawRecord next() throws IOException {
        byte[] line = lines.next();
        long n = lines.lineNumber();
        if (line == null) {
            long over = lines.overLongLength();
            return over < 0 ? null : RawRecord.bad(n, "line of " + over + " bytes is over-long", null);
        }
        if (new String(line, StandardCharsets.ISO_8859_1).isBlank()) {
            return RawRecord.bad(n, "empty caption (blank line)", line);
        }
        JsonNode node;
        try {
            // Jackson replaces nothing silently: invalid UTF-8 inside a string is a parse error, reported as such
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            String why = e.getOriginalMessage();
            boolean utf8 = why != null && why.contains("UTF-8");
            return RawRecord.bad(n, utf8 ? "invalid UTF-8" : "not valid JSON: " + firstLine(why), line);
        }
        if (node == null || !node.isObject()) {
            return RawRecord.bad(n, "not a JSON object", line);
        }
        for (String c : columns) {
            JsonNode v = node.get(c);
            if (v == null) {
                continue;
            }
            if (v.isNull()) {
                return RawRecord.bad(n, "null caption", null);
            }
            if (!v.isTextual()) {
                return RawRecord.bad(n, "field '" + c + "' is not a string", line);
            }
            return RawRecord.of(n, v.textValue().getBytes(StandardCharsets.UTF_8));
        }
        return RawRecord.bad(n, "no field " + String.join(" or ", columns.stream().map(c -> "'" + c + "'").toList()),
                line);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    @Override
    public void close() throws IOException {
        lines.close();
    }
}
