package dev.memscope.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link Json}: records and maps written pretty and atomically; NaN and Infinity refused with their path. */
class JsonTest {

    @TempDir
    Path dir;

    record Detector(String name, double auc, double[] tpr, int steps) {
    }

    record Results(String world, List<Detector> detectors, Map<String, Float> timings) {
    }

    private static Results results(double auc1, float timing) {
        Map<String, Float> t = new LinkedHashMap<>();
        t.put("anisotropy", 1.5f);
        t.put("wen", timing);
        return new Results("lab", List.of(new Detector("anisotropy", 0.98, new double[]{0, 0.5, 1}, 2),
                new Detector("wen", auc1, new double[]{0, 0.25, 1}, 50)), t);
    }

    @Test
    void writesPrettyJsonThatReadsBackToTheSameValues() throws Exception {
        Path f = dir.resolve("out/results.json");
        Json.write(f, results(0.9, 70f));
        String text = Files.readString(f);
        assertThat(text).contains("\n  \"world\" : \"lab\"").endsWith("}\n");
        JsonNode n = new ObjectMapper().readTree(text);
        assertThat(n.at("/detectors/1/auc").doubleValue()).isEqualTo(0.9);
        assertThat(n.at("/detectors/0/tpr/1").doubleValue()).isEqualTo(0.5);
        assertThat(n.at("/timings/wen").floatValue()).isEqualTo(70f);
        assertThat(n.at("/detectors/1/steps").intValue()).isEqualTo(50);
    }

    @Test
    void nanIsRefusedNamingTheFieldPathAndNothingIsWritten() throws Exception {
        Path f = dir.resolve("results.json");
        Json.write(f, results(0.9, 70f));
        String before = Files.readString(f);
        assertThatThrownBy(() -> Json.write(f, results(Double.NaN, 70f)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("results.json")
                .hasMessageContaining("$.detectors[1].auc is NaN");
        assertThat(Files.readString(f)).isEqualTo(before);
        assertThat(dir.toFile().list()).containsExactly("results.json");
    }

    @Test
    void infinityIsRefusedInArraysAndMapsAndFloats() {
        Results inArray = new Results("lab", List.of(new Detector("x", 0.5,
                new double[]{0, Double.POSITIVE_INFINITY}, 1)), Map.of());
        assertThatThrownBy(() -> Json.toJson("r", inArray)).hasMessageContaining("$.detectors[0].tpr[1] is Infinity");
        assertThatThrownBy(() -> Json.toJson("r", results(0.5, Float.NEGATIVE_INFINITY)))
                .hasMessageContaining("$.timings.wen is -Infinity");
        assertThatThrownBy(() -> Json.toJson("r", Map.of("top", Double.NaN))).hasMessageContaining("$.top is NaN");
    }
}
