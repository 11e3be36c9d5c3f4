package dev.memscope.source;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** RFC 4180 records (quoted fields may hold commas, quotes and newlines), with the line each record starts on. */
final class CsvRecords {
    private CsvRecords() {
    }

    /** Every record of a UTF-8 file (a leading BOM is dropped); blank lines are skipped. */
    static List<List<String>> read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        List<List<String>> records = new ArrayList<>();
        parse(file, text, records, new ArrayList<>());
        return records;
    }

    static void parse(Path file, String s, List<List<String>> records, List<Integer> lineOf) {
        List<String> fields = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        int line = 1;
        int recordLine = 1;
        boolean quoted = false;
        boolean any = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < s.length() && s.charAt(i + 1) == '"') {
                        cell.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    if (c == '\n') {
                        line++;
                    }
                    cell.append(c);
                }
            } else if (c == '"' && cell.length() == 0) {
                quoted = true;
                any = true;
            } else if (c == ',') {
                fields.add(cell.toString());
                cell.setLength(0);
                any = true;
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n') {
                    i++;
                }
                if (any || cell.length() > 0) {
                    fields.add(cell.toString());
                    records.add(fields);
                    lineOf.add(recordLine);
                }
                fields = new ArrayList<>();
                cell.setLength(0);
                any = false;
                line++;
                recordLine = line;
            } else {
                cell.append(c);
                any = true;
            }
        }
        if (quoted) {
            throw new IllegalArgumentException(file + ":" + recordLine + ": quoted field never closed");
        }
        if (any || cell.length() > 0) {
            fields.add(cell.toString());
            records.add(fields);
            lineOf.add(recordLine);
        }
    }
}
