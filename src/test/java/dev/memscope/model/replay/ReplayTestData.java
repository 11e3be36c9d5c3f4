package dev.memscope.model.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The replay test recordings under src/test/resources/dev/memscope/model/replay, made with the tiny test model by
 * scripts/make_replay_test_data.py (which runs scripts/record_eps.py): {@code pure} (6 mem + 6 nmem prompts,
 * latent 4x8x8, t = 981 and 41, shards of 5) and {@code trajectory} (2 + 2 prompts, latent 4x4x4, plus the 50-step
 * trajectory at guidance 7.5, shards of 3). Each folder's expected.json holds the detector scores that script
 * computed from the shards in float64 NumPy: the oracle of these tests.
 */
public final class ReplayTestData {
    /** Java float32 kernels (float64 accumulation) against the float64 NumPy formulas on the same float32 data. */
    public static final double SCORE_RTOL = 1e-5;
    public static final double SCORE_ATOL = 1e-6;

    private ReplayTestData() {
    }

    public static Path pure() {
        return folder("pure");
    }

    public static Path trajectory() {
        return folder("trajectory");
    }

    private static Path folder(String name) {
        try {
            return Path.of(ReplayTestData.class.getResource("/dev/memscope/model/replay/" + name + "/manifest.json")
                    .toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static JsonNode expected(Path folder) {
        try {
            return new ObjectMapper().readTree(folder.resolve("expected.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static double[] expectedScores(Path folder, String detector) {
        JsonNode a = expected(folder).get(detector);
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asDouble();
        }
        return out;
    }

    public static List<String> prompts(Path folder) {
        List<String> out = new ArrayList<>();
        expected(folder).get("prompts").forEach(p -> out.add(p.asText()));
        return out;
    }

    /** A writable copy of a recording, for the bad-input tests to break. */
    public static Path copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
        return to;
    }
}
