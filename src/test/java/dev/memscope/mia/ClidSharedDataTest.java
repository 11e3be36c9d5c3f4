package dev.memscope.mia;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * CLiD_th on the released CLiD features (shadow = coco_real_split1, target = coco_real_ori; members = TRTE_train,
 * hold-out = TRTE_test), pinned to {@code src/test/resources/clid/expected.json}, which
 * {@code scripts/eval/clid_expected.py} computed with an independent NumPy + scikit-learn implementation of the
 * authors' protocol. Rates that are count ratios (ASR, TPR, accuracy) and the chosen alpha are compared exactly;
 * AUCs (summed in a different order) and the threshold to 1e-12.
 */
class ClidSharedDataTest {
    private static final double TOL = 1e-12;

    private static JsonNode expected() throws IOException {
        try (InputStream in = ClidSharedDataTest.class.getResourceAsStream("/clid/expected.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    static Path clidDir() {
        return Path.of(System.getProperty("memscope.shared", "../shared"), "data", "clid");
    }

    @ParameterizedTest(name = "skipFirstRow = {0}")
    @ValueSource(booleans = {false, true})
    void matchesTheIndependentImplementation(boolean skipFirstRow) throws IOException {
        Path dir = clidDir();
        // The shared data is part of every checkout (../shared); a missing folder means a broken setup, not a skip.
        assertThat(dir).as("shared CLiD data (system property memscope.shared)").isDirectory();
        JsonNode doc = expected();
        JsonNode files = doc.get("files");
        JsonNode e = doc.get(skipFirstRow ? "skipFirstRow" : "allRows");
        ClidFeatures sm = ClidFeatureFile.read(dir.resolve(files.get("shadowMembers").asText()), skipFirstRow);
        ClidFeatures sh = ClidFeatureFile.read(dir.resolve(files.get("shadowHoldout").asText()), skipFirstRow);
        ClidFeatures tm = ClidFeatureFile.read(dir.resolve(files.get("targetMembers").asText()), skipFirstRow);
        ClidFeatures th = ClidFeatureFile.read(dir.resolve(files.get("targetHoldout").asText()), skipFirstRow);
        assertThat(tm.size()).isEqualTo(e.get("rowsPerFile").asInt());

        ClidResult r = ClidThreshold.evaluate(sm, sh, tm, th);
        assertThat(r.alpha()).isEqualTo(e.get("alpha").asDouble());
        assertThat(r.threshold()).isCloseTo(e.get("threshold").asDouble(), within(TOL));
        assertThat(r.shadowAccuracy()).isEqualTo(e.get("shadowAccuracy").asDouble());
        assertThat(r.shadowSweepAuc()).isCloseTo(e.get("shadowSweepAuc").asDouble(), within(TOL));
        assertThat(r.targetAsr()).isEqualTo(e.get("targetAsr").asDouble());
        assertThat(r.targetAuc()).isCloseTo(e.get("targetAuc").asDouble(), within(TOL));
        assertThat(r.targetTprAt1()).isEqualTo(e.get("targetTprAt1").asDouble());
        assertThat(r.targetTprNearest()).isEqualTo(e.get("targetTprNearest").asDouble());
        assertThat(r.targetTprBelow()).isEqualTo(e.get("targetTprBelow").asDouble());
        assertThat(r.targetSweepAuc()).isCloseTo(e.get("targetSweepAuc").asDouble(), within(TOL));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"shadowMembers", "shadowHoldout", "targetMembers", "targetHoldout"})
    void releasedFilesHave2500RowsOfFiveFeatures(String role) throws IOException {
        assertThat(clidDir()).as("shared CLiD data (system property memscope.shared)").isDirectory();
        Path f = clidDir().resolve(expected().get("files").get(role).asText());
        assertThat(ClidFeatureFile.read(f).size()).isEqualTo(2500);
    }
}
