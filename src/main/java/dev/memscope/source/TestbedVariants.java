package dev.memscope.source;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The testbed's trigger variants ({@code triggers/variants.csv}, written by {@code memscope triggers}): every
 * word-level variant of a memorized caption that was generated, with its copy count under the labels' rule and
 * whether it was kept (it copies its source caption's item image in at least half of its generations).
 */
public final class TestbedVariants {
    /** The folder under the testbed that holds the committed search. */
    public static final String DIR = "triggers";
    public static final String FILE = "variants.csv";
    public static final List<String> HEADER = List.of("variant", "source", "item", "edit", "copies", "generations",
            "copy_rate", "kept");

    /** One row. */
    public record Row(String variant, String source, int item, String edit, int copies, int generations,
                      double copyRate, boolean kept) {
    }

    private TestbedVariants() {
    }

    /** The rows of {@code testbed/triggers/variants.csv}, or an empty list when the testbed has no search. */
    public static List<Row> readIfPresent(Path testbed) throws IOException {
        Path f = testbed.resolve(DIR).resolve(FILE);
        return Files.exists(f) ? read(f) : List.of();
    }

    public static List<Row> read(Path file) throws IOException {
        List<List<String>> records = CsvRecords.read(file);
        if (records.isEmpty() || !records.get(0).equals(HEADER)) {
            throw new IllegalArgumentException(file + ":1: header must be " + String.join(",", HEADER));
        }
        List<Row> out = new ArrayList<>();
        for (int r = 1; r < records.size(); r++) {
            List<String> f = records.get(r);
            String at = file + ": row " + r + ": ";
            if (f.size() != HEADER.size()) {
                throw new IllegalArgumentException(at + f.size() + " fields, the header has " + HEADER.size());
            }
            if (f.get(0).isBlank() || f.get(1).isBlank()) {
                throw new IllegalArgumentException(at + "blank variant or source caption");
            }
            int item;
            int copies;
            int generations;
            double rate;
            try {
                item = Integer.parseInt(f.get(2));
                copies = Integer.parseInt(f.get(4));
                generations = Integer.parseInt(f.get(5));
                rate = Double.parseDouble(f.get(6));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(at + "item, copies and generations must be integers and copy_rate "
                        + "a number, got '" + f.get(2) + "', '" + f.get(4) + "', '" + f.get(5) + "', '" + f.get(6)
                        + "'");
            }
            if (generations < 1 || copies < 0 || copies > generations || !(rate >= 0 && rate <= 1)) {
                throw new IllegalArgumentException(at + "need 0 <= copies <= generations, generations >= 1 and "
                        + "copy_rate in [0, 1], got " + copies + ", " + generations + ", " + f.get(6));
            }
            if (!f.get(7).equals("0") && !f.get(7).equals("1")) {
                throw new IllegalArgumentException(at + "kept must be 0 or 1, got '" + f.get(7) + "'");
            }
            out.add(new Row(f.get(0), f.get(1), item, f.get(3), copies, generations, rate, f.get(7).equals("1")));
        }
        return out;
    }
}
