package dev.memscope.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** DBSCAN labels equal scikit-learn's, exactly, on scripts/eval/dbscan_expected.py's cases. */
class DbscanTest {

    static Stream<Arguments> cases() throws Exception {
        JsonNode root = new ObjectMapper().readTree(Path.of("src/test/resources/cluster/dbscan.json").toFile());
        List<Arguments> out = new ArrayList<>();
        for (JsonNode c : root.get("cases")) {
            out.add(Arguments.of(c.get("name").asText(), c));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesScikitLearn(String name, JsonNode c) {
        JsonNode d = c.get("distances");
        int n = d.size();
        int[] expected = new int[n];
        for (int i = 0; i < n; i++) {
            expected[i] = c.get("labels").get(i).asInt();
        }
        int[] got = Dbscan.labels(n, (i, j) -> d.get(i).get(j).asDouble(), c.get("eps").asDouble(),
                c.get("minSamples").asInt());
        assertThat(got).containsExactly(expected);
    }

    @Test
    void nonFiniteDistancesAndBadParametersAreRefused() {
        assertThatThrownBy(() -> Dbscan.labels(3, (i, j) -> Double.NaN, 0.5, 3))
                .hasMessageContaining("between points 0 and 1 is NaN");
        assertThatThrownBy(() -> Dbscan.labels(3, (i, j) -> 1, Double.NaN, 3)).hasMessageContaining("eps");
        assertThatThrownBy(() -> Dbscan.labels(3, (i, j) -> 1, 0.5, 0)).hasMessageContaining("min samples");
    }
}
