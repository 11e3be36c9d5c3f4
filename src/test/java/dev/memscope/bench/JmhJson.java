package dev.memscope.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Builds small JMH -rf json files for tests: only the fields JMH always writes and the parser reads. */
final class JmhJson {
    private final List<String> entries = new ArrayList<>();

    /** One benchmark; {@code error} NaN writes JMH's "NaN" string and a NaN confidence interval, as JMH does. */
    JmhJson add(String benchmark, String mode, String params, double score, double error, String unit) {
        String err = Double.isNaN(error) ? "\"NaN\"" : num(error);
        String ci = Double.isNaN(error) ? "[\"NaN\", \"NaN\"]" : "[" + num(score - error) + ", " + num(score + error) + "]";
        entries.add("{\"jmhVersion\": \"1.37\", \"benchmark\": \"dev.memscope.jmh." + benchmark + "\", \"mode\": \""
                + mode + "\", \"threads\": 1, \"forks\": 1, \"params\": {" + params + "}, \"primaryMetric\": {"
                + "\"score\": " + num(score) + ", \"scoreError\": " + err + ", \"scoreConfidence\": " + ci
                + ", \"scoreUnit\": \"" + unit + "\"}, \"secondaryMetrics\": {}}");
        return this;
    }

    /** An avgt benchmark in us/op with params batch=64. */
    JmhJson avgt(String benchmark, double score, double error) {
        return add(benchmark, "avgt", "\"batch\": \"64\"", score, error, "us/op");
    }

    String json() {
        return "[\n" + String.join(",\n", entries) + "\n]\n";
    }

    Path write(Path dir, String name) {
        try {
            return Files.writeString(dir.resolve(name), json());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String num(double x) {
        return String.format(Locale.ROOT, "%.17g", x);
    }
}
