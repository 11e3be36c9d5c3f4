package dev.memscope.source;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Every caption the testbed trained on, read from {@code images/images.csv} (its {@code captions} column holds all
 * of an image's captions, separated by {@code " | "}; {@link TestbedImages} keeps only the first).
 *
 * @param training every training caption: concept captions and every caption of every trained item
 * @param titles   the trained items' captions ({@code STYLE NAME PRODUCT}), in file order
 */
public record TestbedCaptions(Set<String> training, List<String> titles) {
    static final int KIND = 2;
    static final int CAPTIONS = 6;

    /** Reads {@code dir/images.csv} ({@code dir}: the testbed's images folder); errors name the file and row. */
    public static TestbedCaptions read(Path dir) throws IOException {
        Path csv = dir.resolve("images.csv");
        List<List<String>> rows = CsvRecords.read(csv);
        if (rows.isEmpty() || !rows.get(0).equals(TestbedImages.HEADER)) {
            throw new IllegalArgumentException(csv + ":1: header must be " + String.join(",", TestbedImages.HEADER));
        }
        Set<String> training = new LinkedHashSet<>();
        List<String> titles = new ArrayList<>();
        for (int r = 1; r < rows.size(); r++) {
            List<String> f = rows.get(r);
            if (f.size() != TestbedImages.HEADER.size()) {
                throw new IllegalArgumentException(csv + ": row " + r + ": " + f.size() + " fields, the header has "
                        + TestbedImages.HEADER.size());
            }
            if (!f.get(0).equals("training.png")) {
                continue;
            }
            for (String c : f.get(CAPTIONS).split(" \\| ")) {
                if (c.isBlank()) {
                    throw new IllegalArgumentException(csv + ": row " + r + ": blank caption");
                }
                training.add(c);
                if (f.get(KIND).equals("item")) {
                    titles.add(c);
                }
            }
        }
        if (titles.isEmpty()) {
            throw new IllegalArgumentException(csv + ": no trained item captions (kind 'item' in training.png)");
        }
        return new TestbedCaptions(Set.copyOf(training), List.copyOf(titles));
    }
}
