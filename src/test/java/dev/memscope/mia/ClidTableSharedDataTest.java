package dev.memscope.mia;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every row of the CLiD table (PIA, SecMI, PFAMI, CLiD_th, CLiD_vec) on the released files, pinned to
 * {@code src/test/resources/clid/table_expected.json}, which {@code scripts/eval/clid_table_expected.py} computed
 * independently with NumPy, scikit-learn 1.2.1 and the Python xgboost 1.7.4 package (XGBClassifier, the same
 * parameters and seed). Tolerances: ASR and TPR are ratios of integer counts, compared exactly; AUCs to 1e-12
 * (summation order); baseline thresholds exactly (both sides fill NumPy's arange the same way). CLiD_vec's
 * probabilities are float32 from the same booster release on the same float32 inputs, so they are compared
 * exactly too: a platform whose native library sums differently would show up here first.
 */
class ClidTableSharedDataTest {
    private static final double AUC_TOL = 1e-12;

    @TempDir
    Path tmp;

    private static JsonNode expected() throws IOException {
        try (InputStream in = ClidTableSharedDataTest.class.getResourceAsStream("/clid/table_expected.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    private static ReleasedClidFiles released() throws IOException {
        assertThat(ClidSharedDataTest.clidDir()).as("shared CLiD data (system property memscope.shared)")
                .isDirectory();
        return ReleasedClidFiles.in(ClidSharedDataTest.clidDir());
    }

    @ParameterizedTest(name = "skipFirstRow = {0}")
    @ValueSource(booleans = {false, true})
    void everyRowMatchesTheIndependentImplementation(boolean skipFirstRow) throws IOException {
        JsonNode doc = expected();
        JsonNode e = doc.get(skipFirstRow ? "skipFirstRow" : "allRows");
        List<AttackRow> rows = ClidTable.compute(released(), skipFirstRow, doc.get("seed").asInt());
        assertThat(rows).extracting(AttackRow::method)
                .containsExactly("PIA", "SecMI", "PFAMI", "CLiD_th", "CLiD_vec");
        for (int i = 0; i < rows.size(); i++) {
            AttackRow r = rows.get(i);
            JsonNode x = e.get(i);
            assertThat(r.method()).isEqualTo(x.get("method").asText());
            assertThat(r.queries()).as(r.method()).isEqualTo(x.get("queries").asInt());
            assertThat(r.asr()).as(r.method() + " ASR").isEqualTo(x.get("asr").asDouble());
            assertThat(r.auc()).as(r.method() + " AUC").isCloseTo(x.get("auc").asDouble(), within(AUC_TOL));
            assertThat(r.tprAt1Fpr()).as(r.method() + " TPR@1%FPR").isEqualTo(x.get("tprAt1").asDouble());
        }
    }

    @Test
    void baselineThresholdsAreTheOraclesAndPfamiIsNegated() throws IOException {
        JsonNode doc = expected();
        JsonNode e = doc.get("allRows");
        ReleasedClidFiles files = released();
        ReleasedClidFiles.Attack[] attacks = {ReleasedClidFiles.Attack.PIA, ReleasedClidFiles.Attack.SECMI,
            ReleasedClidFiles.Attack.PFAMI};
        for (int i = 0; i < attacks.length; i++) {
            ReleasedClidFiles.Quad q = files.files(attacks[i]);
            double[] sm = ScoreFile.read(q.shadowMembers(), false);
            double[] sh = ScoreFile.read(q.shadowHoldout(), false);
            if (attacks[i] == ReleasedClidFiles.Attack.PFAMI) {
                sm = ThresholdAttack.negated(sm);
                sh = ThresholdAttack.negated(sh);
            }
            ThresholdSweep s = ThresholdSweep.of(sm, sh);
            assertThat(s.threshold()).as(attacks[i] + " threshold").isEqualTo(e.get(i).get("threshold").asDouble());
            assertThat(s.accuracy()).as(attacks[i] + " shadow accuracy")
                    .isEqualTo(e.get(i).get("shadowAccuracy").asDouble());
        }
        // Without the negation PFAMI's members would sit on the hold-out side: AUC below 1/2.
        ReleasedClidFiles.Quad q = files.files(ReleasedClidFiles.Attack.PFAMI);
        AttackRow raw = ThresholdAttack.evaluate("PFAMI raw", 20, ScoreFile.read(q.shadowMembers(), false),
                ScoreFile.read(q.shadowHoldout(), false), ScoreFile.read(q.targetMembers(), false),
                ScoreFile.read(q.targetHoldout(), false));
        assertThat(raw.auc()).isCloseTo(1 - e.get(2).get("auc").asDouble(), within(1e-12));
    }

    @Test
    void clidVecMatchesPythonXgboostSampleBySample() throws IOException {
        JsonNode e = expected().get("allRows").get(4);
        assertThat(e.get("method").asText()).isEqualTo("CLiD_vec");
        ReleasedClidFiles.Quad q = released().files(ReleasedClidFiles.Attack.CLID);
        ClidVector.Result r = ClidVector.evaluate(ClidVector.Params.authors(e.get("seed").asInt()),
                ClidFeatureFile.read(q.shadowMembers()), ClidFeatureFile.read(q.shadowHoldout()),
                ClidFeatureFile.read(q.targetMembers()), ClidFeatureFile.read(q.targetHoldout()));
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
        assertThat(r.shadowAccuracy()).isEqualTo(e.get("shadowAccuracy").asDouble());
    }

    @Test
    void anotherSeedGivesAnotherButNearbyClassifier() throws IOException {
        // The seed reaches the booster (row and column subsampling): a different seed must change the
        // probabilities; the authors' own shuffle spread (docs/clid.md) bounds how far the AUC may move.
        JsonNode doc = expected();
        ReleasedClidFiles.Quad q = released().files(ReleasedClidFiles.Attack.CLID);
        ClidFeatures[] f = {ClidFeatureFile.read(q.shadowMembers()), ClidFeatureFile.read(q.shadowHoldout()),
            ClidFeatureFile.read(q.targetMembers()), ClidFeatureFile.read(q.targetHoldout())};
        ClidVector.Result a = ClidVector.evaluate(ClidVector.Params.authors(0), f[0], f[1], f[2], f[3]);
        ClidVector.Result b = ClidVector.evaluate(ClidVector.Params.authors(7), f[0], f[1], f[2], f[3]);
        assertThat(b.targetProbability()).isNotEqualTo(a.targetProbability());
        assertThat(b.auc()).isCloseTo(a.auc(), within(0.005));
    }

    @Test
    void missingAndDoubledFilesAreNamed() throws IOException {
        Files.writeString(tmp.resolve("PIA__Atk_pia_M_coco_real_split1_DATA_val17_split1__TRTE_train_T_1.txt"), "1\n");
        assertThatThrownBy(() -> ReleasedClidFiles.in(tmp).files(ReleasedClidFiles.Attack.PIA))
                .hasMessageContaining("no file matches PIA__*_M_coco_real_split1_*TRTE_test*.txt");
        Files.writeString(tmp.resolve("PIA__Atk_pia_M_coco_real_split1_DATA_val17_split1__TRTE_train_T_2.txt"), "1\n");
        assertThatThrownBy(() -> ReleasedClidFiles.in(tmp).files(ReleasedClidFiles.Attack.PIA))
                .hasMessageContaining("2 files match PIA__*_M_coco_real_split1_*TRTE_train*.txt");
        assertThatThrownBy(() -> ReleasedClidFiles.in(tmp.resolve("nope")))
                .hasMessageContaining("nope: no such folder");
    }

    @Test
    void badScoreFileNamesFileLineAndColumn() throws IOException {
        Path f = tmp.resolve("scores.txt");
        Files.writeString(f, "0.5\n0.25\n1e-3\tx\n");
        assertThatThrownBy(() -> ScoreFile.read(f, false))
                .hasMessageContaining("scores.txt:3: 2 tab-separated columns, expected 1 (score)");
        Files.writeString(f, "0.5\nNaN\n");
        assertThatThrownBy(() -> ScoreFile.read(f, false))
                .hasMessageContaining("scores.txt:2: column 1 (score) 'NaN' is not a finite decimal number");
        Files.writeString(f, "header\n0.5\n");
        assertThat(ScoreFile.read(f, true)).containsExactly(0.5);
    }
}
