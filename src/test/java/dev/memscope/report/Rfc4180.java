package dev.memscope.report;

import java.util.ArrayList;
import java.util.List;

/**
 * A strict RFC 4180 reader written from the RFC's grammar (section 2), independent of {@link Csv}'s writer, used
 * only to check round trips: records end in CRLF, a quoted field may hold commas, CR, LF and doubled quotes.
 */
final class Rfc4180 {

    private Rfc4180() {
    }

    static List<List<String>> parse(String text) {
        List<List<String>> records = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int i = 0;
        int n = text.length();
        while (i < n) {
            if (text.charAt(i) == '"') {
                i++;
                while (true) {
                    if (i >= n) {
                        throw new IllegalArgumentException("unterminated quoted field");
                    }
                    char c = text.charAt(i++);
                    if (c == '"') {
                        if (i < n && text.charAt(i) == '"') {
                            field.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        field.append(c);
                    }
                }
            } else {
                while (i < n && text.charAt(i) != ',' && text.charAt(i) != '\r') {
                    char c = text.charAt(i++);
                    if (c == '"' || c == '\n') {
                        throw new IllegalArgumentException("bare " + (c == '"' ? "quote" : "LF") + " at " + (i - 1));
                    }
                    field.append(c);
                }
            }
            record.add(field.toString());
            field.setLength(0);
            if (i < n && text.charAt(i) == ',') {
                i++;
            } else if (text.startsWith("\r\n", i)) {
                i += 2;
                records.add(record);
                record = new ArrayList<>();
            } else if (i < n) {
                throw new IllegalArgumentException("expected ',' or CRLF at " + i);
            }
        }
        if (!record.isEmpty()) {
            throw new IllegalArgumentException("last record does not end in CRLF");
        }
        return records;
    }
}
