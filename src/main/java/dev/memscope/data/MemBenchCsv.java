package dev.memscope.data;

import dev.memscope.io.InputFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads MemBench's prompt table ({@code MemBench_SD1_final.csv}, written by pandas): a header
 * {@code ,prompt,urls} (the first column is the unnamed index), then one record per prompt with the index, the
 * prompt, and the reference image URLs as a Python list literal ({@code ['https://...', '...']}).
 *
 * <p>CSV rules (RFC 4180, as pandas writes): fields are separated by commas; a field that starts with a double
 * quote is quoted, may hold commas, newlines and doubled quotes ({@code ""}); a record ends at an unquoted newline
 * (CRLF accepted). Every error names the file and the line the record starts on: a wrong header, a wrong number
 * of fields, a quote that never closes, text after a closing quote, an index that is not the row number, a blank or
 * over-long prompt ({@link PromptFiles#MAX_PROMPT_CHARS}), a URL list that is not a Python list of string
 * literals.
 */
public final class MemBenchCsv {
    /** One MemBench row; {@code line} is the 1-based line its record starts on. */
    public record Row(int index, String prompt, List<String> urls, int line) {
    }

    private MemBenchCsv() {
    }

    /** The prompts, in file order. */
    public static List<String> prompts(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        for (Row r : read(file)) {
            out.add(r.prompt());
        }
        return out;
    }

    public static List<Row> read(Path file) throws IOException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(InputFiles.readAllBytes(file))).toString();
        } catch (NoSuchFileException e) {
            throw new PromptFileException(file, 0, "no such MemBench CSV file");
        } catch (CharacterCodingException e) {
            throw new PromptFileException(file, 0, "not UTF-8 text");
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        if (text.isEmpty()) {
            throw new PromptFileException(file, 0, "empty MemBench CSV file");
        }
        Parser p = new Parser(file, text);
        List<String> header = p.record();
        if (header.size() != 3 || !header.get(0).isEmpty() || !header.get(1).equals("prompt")
                || !header.get(2).equals("urls")) {
            throw new PromptFileException(file, 1, "expected the header ',prompt,urls' (pandas index, prompt, urls), "
                    + "got '" + String.join(",", header) + "'");
        }
        List<Row> rows = new ArrayList<>();
        while (!p.atEnd()) {
            int line = p.line;
            List<String> f = p.record();
            if (f.size() != 3) {
                throw new PromptFileException(file, line, "expected 3 fields (index, prompt, urls), got " + f.size());
            }
            int index;
            try {
                index = Integer.parseInt(f.get(0));
            } catch (NumberFormatException e) {
                throw new PromptFileException(file, line, "index '" + f.get(0) + "' is not an integer");
            }
            if (index != rows.size()) {
                throw new PromptFileException(file, line, "index " + index + " where row " + rows.size()
                        + " was expected");
            }
            String prompt = f.get(1);
            if (prompt.isBlank()) {
                throw new PromptFileException(file, line, "blank prompt");
            }
            if (prompt.length() > PromptFiles.MAX_PROMPT_CHARS) {
                throw new PromptFileException(file, line, "prompt of " + prompt.length()
                        + " characters is longer than " + PromptFiles.MAX_PROMPT_CHARS);
            }
            List<String> urls;
            try {
                urls = pythonStringList(f.get(2));
            } catch (IllegalArgumentException e) {
                throw new PromptFileException(file, line, "urls: " + e.getMessage());
            }
            rows.add(new Row(index, prompt, urls, line));
        }
        if (rows.isEmpty()) {
            throw new PromptFileException(file, 0, "no rows after the header");
        }
        return rows;
    }

    /** Parses a Python list literal of string literals ('...' or "...", backslash escapes), e.g. {@code ['a', "b"]}. */
    static List<String> pythonStringList(String s) {
        int i = skip(s, 0);
        if (i >= s.length() || s.charAt(i) != '[') {
            throw new IllegalArgumentException("not a Python list literal: '" + abbreviate(s) + "'");
        }
        i = skip(s, i + 1);
        List<String> out = new ArrayList<>();
        if (i < s.length() && s.charAt(i) == ']') {
            return requireEnd(s, i + 1, out);
        }
        while (true) {
            if (i >= s.length() || (s.charAt(i) != '\'' && s.charAt(i) != '"')) {
                throw new IllegalArgumentException("expected a string literal at column " + (i + 1) + " of '"
                        + abbreviate(s) + "'");
            }
            char q = s.charAt(i);
            StringBuilder b = new StringBuilder();
            int j = i + 1;
            while (true) {
                if (j >= s.length()) {
                    throw new IllegalArgumentException("unterminated string literal starting at column " + (i + 1));
                }
                char c = s.charAt(j);
                if (c == '\\' && j + 1 < s.length()) {
                    b.append(s.charAt(j + 1));
                    j += 2;
                } else if (c == q) {
                    break;
                } else {
                    b.append(c);
                    j++;
                }
            }
            out.add(b.toString());
            i = skip(s, j + 1);
            if (i < s.length() && s.charAt(i) == ',') {
                i = skip(s, i + 1);
                if (i < s.length() && s.charAt(i) == ']') {
                    return requireEnd(s, i + 1, out);
                }
            } else if (i < s.length() && s.charAt(i) == ']') {
                return requireEnd(s, i + 1, out);
            } else {
                throw new IllegalArgumentException("expected ',' or ']' at column " + (i + 1) + " of '"
                        + abbreviate(s) + "'");
            }
        }
    }

    private static List<String> requireEnd(String s, int i, List<String> out) {
        if (skip(s, i) != s.length()) {
            throw new IllegalArgumentException("text after the closing ']' at column " + (i + 1));
        }
        return out;
    }

    private static int skip(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    /** RFC 4180 record reader that tracks line numbers. */
    private static final class Parser {
        private final Path file;
        private final String text;
        private int pos;
        int line = 1;

        Parser(Path file, String text) {
            this.file = file;
            this.text = text;
        }

        boolean atEnd() {
            return pos >= text.length();
        }

        List<String> record() throws PromptFileException {
            int start = line;
            List<String> fields = new ArrayList<>();
            while (true) {
                StringBuilder f = new StringBuilder();
                if (pos < text.length() && text.charAt(pos) == '"') {
                    pos++;
                    while (true) {
                        if (pos >= text.length()) {
                            throw new PromptFileException(file, start, "quoted field never closes");
                        }
                        char c = text.charAt(pos);
                        if (c == '"') {
                            if (pos + 1 < text.length() && text.charAt(pos + 1) == '"') {
                                f.append('"');
                                pos += 2;
                                continue;
                            }
                            pos++;
                            break;
                        }
                        if (c == '\n') {
                            line++;
                        }
                        f.append(c);
                        pos++;
                    }
                    if (pos < text.length() && !isEnd(text.charAt(pos)) && text.charAt(pos) != ',') {
                        throw new PromptFileException(file, line, "text after a closing quote");
                    }
                } else {
                    while (pos < text.length() && text.charAt(pos) != ',' && !isEnd(text.charAt(pos))) {
                        char c = text.charAt(pos);
                        if (c == '"') {
                            throw new PromptFileException(file, line, "quote inside an unquoted field");
                        }
                        f.append(c);
                        pos++;
                    }
                }
                fields.add(f.toString());
                if (pos >= text.length()) {
                    return fields;
                }
                char c = text.charAt(pos);
                if (c == ',') {
                    pos++;
                    continue;
                }
                // End of record: \n or \r\n.
                if (c == '\r') {
                    pos++;
                    if (pos < text.length() && text.charAt(pos) == '\n') {
                        pos++;
                    }
                } else {
                    pos++;
                }
                line++;
                return fields;
            }
        }

        private static boolean isEnd(char c) {
            return c == '\n' || c == '\r';
        }
    }
}
