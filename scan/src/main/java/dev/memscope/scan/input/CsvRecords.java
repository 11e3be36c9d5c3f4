package dev.memscope.scan.input;

import dev.memscope.data.PromptFileException;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CSV (RFC 4180: comma-separated, '"' quotes, '""' inside quotes, newlines allowed inside quotes) with a header
 * row; the caption is the first of {@code columns} the header names. Parsed on bytes (every delimiter is ASCII, so
 * this is exact for UTF-8), so invalid UTF-8 in one field rejects only its row. A header without any of the
 * columns is an error naming the file and the header; a record with too few fields is a reject.
 */
final class CsvRecords implements RecordReader {
    private final InputStream in;
    private final Path file;
    private final int column;
    private long line = 1;          // physical line the parser is on
    private long recordLine;        // line where the current record started
    private boolean eof;

    CsvRecords(Path file, List<String> columns) throws IOException {
        this.file = file;
        this.in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        List<byte[]> header = record();
        if (header == null) {
            in.close();
            throw new PromptFileException(file, 1, "empty CSV file (a header row is needed)");
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < header.size(); i++) {
            String h = new String(header.get(i), StandardCharsets.UTF_8);
            names.add(i == 0 && h.startsWith("\uFEFF") ? h.substring(1) : h);
        }
        int found = -1;
        for (String c : columns) {
            found = names.indexOf(c);
            if (found >= 0) {
                break;
            }
        }
        if (found < 0) {
            in.close();
            throw new PromptFileException(file, 1, "the header has no column " + String.join(" or ", columns)
                    + " (it has " + String.join(", ", names) + "); choose one with --column");
        }
        this.column = found;
    }

    @Override
    public RawRecord next() throws IOException {
        List<byte[]> fields = record();
        if (fields == null) {
            return null;
        }
        if (fields.size() <= column) {
            return RawRecord.bad(recordLine, "record has " + fields.size() + " fields; the caption is field "
                    + (column + 1), fields.isEmpty() ? null : fields.get(0));
        }
        byte[] v = fields.get(column);
        if (v == null) {
            return RawRecord.bad(recordLine, "caption of over " + LineReader.MAX_LINE_BYTES
                    + " bytes is over-long", null);
        }
        return RawRecord.of(recordLine, v);
    }

    /** The fields of the next record (null at the end); an over-long field comes back as null. */
    private List<byte[]> record() throws IOException {
        if (eof) {
            return null;
        }
        recordLine = line;
        List<byte[]> fields = new ArrayList<>();
        ByteArrayOutputStream field = new ByteArrayOutputStream();
        boolean quoted = false;
        boolean any = false;
        boolean tooLong = false;
        while (true) {
            int b = in.read();
            if (b < 0) {
                eof = true;
                if (quoted) {
                    throw new PromptFileException(file, (int) Math.min(recordLine, Integer.MAX_VALUE), "a quoted field is not closed before the end "
                            + "of the file");
                }
                if (!any && fields.isEmpty()) {
                    return null;
                }
                fields.add(tooLong ? null : field.toByteArray());
                return fields;
            }
            any = true;
            if (quoted) {
                if (b == '"') {
                    in.mark(1);
                    int c = in.read();
                    if (c == '"') {
                        tooLong |= put(field, '"', tooLong);
                    } else {
                        quoted = false;
                        if (c >= 0) {
                            in.reset();
                        }
                    }
                } else {
                    if (b == '\n') {
                        line++;
                    }
                    tooLong |= put(field, b, tooLong);
                }
                continue;
            }
            if (b == '"' && field.size() == 0) {
                quoted = true;
            } else if (b == ',') {
                fields.add(tooLong ? null : field.toByteArray());
                field.reset();
                tooLong = false;
            } else if (b == '\n') {
                line++;
                byte[] last = field.toByteArray();
                if (last.length > 0 && last[last.length - 1] == '\r') {
                    last = java.util.Arrays.copyOf(last, last.length - 1);
                }
                fields.add(tooLong ? null : last);
                return fields;
            } else {
                tooLong |= put(field, b, tooLong);
            }
        }
    }

    /** Appends unless the field is already over-long; returns whether it is now. */
    private static boolean put(ByteArrayOutputStream field, int b, boolean tooLong) {
        if (tooLong) {
            return true;
        }
        if (field.size() >= LineReader.MAX_LINE_BYTES) {
            field.reset();
            return true;
        }
        field.write(b);
        return false;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
