package dev.memscope.mia;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Every row of the CLiD table (PIA, SecMI, PFAMI, CLiD_th, CLiD_vec) on the released files, pinned to
 * {@code src/test/resources/clid/table_expected.json}, which {@code scripts/eval/clid_table_expected.py} computed
 * independently with NumPy, scikit-learn 1.2.1 and the Python xgboost 1.7.4 package (XGBClassifier, the same
 * parameters and seed). Tolerances: ASR and TPR are ratios of integer counts, exact; AUCs to 1e-12 (summation
 * order). CLiD_vec's probabilities are float32 from the same booster code on the same float32 inputs, so they are
 * compared exactly too; a platform whose libm rounds the sigmoid differently would show up here first.
 */
class ClidTableSharedDataTest {
    private static final double AUC_TOL = 1e-12;

    private static JsonNode expected() throws IOException {
        try (InputStream in = ClidTableSharedDataTest.class.getResourceAsStream("/clid/table_expected.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    private static ClidFeatures read(JsonNode files, String role, boolean skip) throws IOException {
        return ClidFeatureFile.read(ClidSharedDataTest.clidDir().resolve(files.get(role).asText()), skip);
    }

    @Test
    void clidVecMatchesPythonXgboostSampleBySample() throws IOException {
        JsonNode files = new ObjectMapper().readTree(getClass().getResourceAsStream("/clid/expected.json"))
                .get("files");
        JsonNode e = expected().get("allRows").get(4);
        assertThat(e.get("method").asText()).isEqualTo("CLiD_vec");
        ClidVector.Result r = ClidVector.evaluate(ClidVector.Params.authors(e.get("seed").asInt()),
                read(files, "shadowMembers", false), read(files, "shadowHoldout", false),
                read(files, "targetMembers", false), read(files, "targetHoldout", false));
        JsonNode p = e.get("targetProba");
        assertThat(r.targetProbability()).hasSize(p.size());
        int differ = 0;
        double worst = 0;
        for (int i = 0; i < p.size(); i++) {
            double d = Math.abs(r.targetProbability()[i] - p.get(i).asDouble());
            worst = Math.max(worst, d);
            if (d != 0) {
                differ++;
            }
        }
        assertThat(differ).as("samples whose probability differs (worst %s)", worst).isZero();
        assertThat(r.asr()).isEqualTo(e.get("asr").asDouble());
        assertThat(r.auc()).isCloseTo(e.get("auc").asDouble(), within(AUC_TOL));
        assertThat(r.tprAt1Fpr()).isEqualTo(e.get("tprAt1").asDouble());
        assertThat(r.shadowAccuracy()).isEqualTo(e.get("shadowAccuracy").asDouble());
    }
}
