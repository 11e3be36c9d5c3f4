package dev.memscope.source;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The testbed's {@code labels.csv}: header {@code caption,role,item,copies,copy_rate,memorized}, RFC 4180 quoting
 * (captions hold commas), role one of duplicated, singleton, heldout, novel, memorized 0 or 1. Errors name the file
 * and line.
 */
final class TestbedLabels {
    static final List<String> HEADER = List.of("caption", "role", "item", "copies", "copy_rate", "memorized");
    static final Set<String> ROLES = Set.of("duplicated", "singleton", "heldout", "novel");

    private TestbedLabels() {
    }

    /** Captions in file order with their labels; a repeated caption is an error (labels would be ambiguous). */
    static Map<String, CaptionLabel> read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        List<List<String>> records = new ArrayList<>();
        List<Integer> lineOf = new ArrayList<>();
        CsvRecords.parse(file, text, records, lineOf);
        if (records.isEmpty() || !records.get(0).equals(HEADER)) {
            throw new IllegalArgumentException(file + ":1: header must be " + String.join(",", HEADER));
        }
        Map<String, CaptionLabel> out = new LinkedHashMap<>();
        for (int r = 1; r < records.size(); r++) {
            List<String> f = records.get(r);
            String at = file + ":" + lineOf.get(r) + ": ";
            if (f.size() != HEADER.size()) {
                throw new IllegalArgumentException(at + f.size() + " fields, the header has " + HEADER.size());
            }
            String caption = f.get(0);
            if (caption.isBlank()) {
                throw new IllegalArgumentException(at + "blank caption");
            }
            if (!ROLES.contains(f.get(1))) {
                throw new IllegalArgumentException(at + "role '" + f.get(1) + "' is not one of duplicated, singleton, "
                        + "heldout, novel");
            }
            int copies;
            double rate;
            try {
                copies = Integer.parseInt(f.get(3));
                rate = Double.parseDouble(f.get(4));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(at + "copies must be an integer and copy_rate a number, got '"
                        + f.get(3) + "', '" + f.get(4) + "'");
            }
            if (copies < 0 || !(rate >= 0 && rate <= 1)) {
                throw new IllegalArgumentException(at + "copies must be >= 0 and copy_rate in [0, 1], got " + copies
                        + ", " + f.get(4));
            }
            if (!f.get(5).equals("0") && !f.get(5).equals("1")) {
                throw new IllegalArgumentException(at + "memorized must be 0 or 1, got '" + f.get(5) + "'");
            }
            if (out.put(caption, new CaptionLabel(f.get(1), f.get(2), copies, rate, f.get(5).equals("1"))) != null) {
                throw new IllegalArgumentException(at + "caption '" + caption + "' appears twice");
            }
        }
        return out;
    }
}
