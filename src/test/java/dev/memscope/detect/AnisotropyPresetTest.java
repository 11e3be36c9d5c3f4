package dev.memscope.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.memscope.kernels.Backends;
import dev.memscope.kernels.GuidanceVariant;
import dev.memscope.kernels.ScoreKernels;
import dev.memscope.model.Condition;
import dev.memscope.model.Denoiser;
import dev.memscope.model.PredictionType;
import dev.memscope.progress.Progress;
import dev.memscope.tensor.Npy;
import dev.memscope.tensor.TensorF32;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The anisotropy presets against the authors' formulas, evaluated by NumPy in
 * {@code scripts/eval/anisotropy_presets_expected.py} on fixed outputs that a fake denoiser serves here (the outputs
 * do not depend on x, so N and A are functions of them alone). Tolerance: float32 outputs summed in float32 /
 * float64 by the kernels against float64 NumPy, rtol 1e-5 plus atol 1e-6.
 */
class AnisotropyPresetTest {
    private static final Path DIR = Path.of("src/test/resources/anisotropy");
    private static final double RTOL = 1e-5;
    private static final double ATOL = 1e-6;
    private static final List<String> PROMPTS = List.of("p0", "p1");

    /** Serves out_{t}_{u|p0|p1}.npy whatever the latent, as eps or v outputs. */
    private static final class FixedOutputs implements Denoiser {
        private final PredictionType type;
        private final Map<String, float[]> outs = new HashMap<>();
        private final Map<String, Condition> conds = new HashMap<>();

        FixedOutputs(PredictionType type) throws Exception {
            this.type = type;
            for (int t : new int[] {981, 41}) {
                for (String c : new String[] {"u", "p0", "p1"}) {
                    outs.put(t + c, Npy.readTensor(DIR.resolve("out_" + t + "_" + c + ".npy")).data());
                }
            }
            conds.put("p0", Condition.of(new float[] {0}, "p0"));
            conds.put("p1", Condition.of(new float[] {1}, "p1"));
        }

        @Override
        public PredictionType predictionType() {
            return type;
        }

        @Override
        public int channels() {
            return 4;
        }

        @Override
        public int height() {
            return 4;
        }

        @Override
        public int width() {
            return 4;
        }

        @Override
        public Condition condition(String prompt) {
            return conds.get(prompt);
        }

        @Override
        public void predict(TensorF32 xt, int t, Condition[] c, TensorF32 out) {
            int per = 64;
            for (int b = 0; b < c.length; b++) {
                float[] src = outs.get(t + (c[b].isNull() ? "u" : c[b].prompt()));
                System.arraycopy(src, 0, out.data(), b * per, per);
            }
        }

        @Override
        public void close() {
        }
    }

    private static JsonNode expected() throws Exception {
        return new ObjectMapper().readTree(DIR.resolve("expected.json").toFile()).get("presets");
    }

    private static double[][] terms(AnisotropySettings s, PredictionType type) throws Exception {
        try (ScoreKernels k = Backends.create("cpu")) {
            return new AnisotropyDetector(s).terms(PROMPTS, new DetectionContext(new FixedOutputs(type), k, 8,
                    Progress.NONE));
        }
    }

    private static double[] scores(AnisotropySettings s, PredictionType type) throws Exception {
        try (ScoreKernels k = Backends.create("cpu")) {
            return new AnisotropyDetector(s).score(PROMPTS, new DetectionContext(new FixedOutputs(type), k, 8,
                    Progress.NONE)).values();
        }
    }

    private static void close(double actual, double expected, String what) {
        assertThat(actual).as(what).isCloseTo(expected, within(ATOL + RTOL * Math.abs(expected)));
    }

    @Test
    void eachPresetScoresAsTheAuthorsCodeDoes() throws Exception {
        JsonNode e = expected();
        Map<String, PredictionType> types = Map.of("sd1", PredictionType.EPSILON, "sd2", PredictionType.V_PREDICTION,
                "rv", PredictionType.EPSILON);
        for (String p : List.of("sd1", "sd2", "rv")) {
            AnisotropySettings s = new AnisotropySettings(1, 0, null, AnisotropyPreset.parse(p), null, null);
            double[][] t = terms(s, types.get(p));
            double[] sc = scores(s, types.get(p));
            for (int i = 0; i < 2; i++) {
                JsonNode row = e.get(p).get("prompts").get(i);
                close(t[0][i], row.get("N").asDouble(), p + " N " + i);
                close(t[1][i], row.get("A").get("x,c|x").asDouble(), p + " A " + i);
                close(sc[i], row.get("score").asDouble(), p + " score " + i);
            }
        }
    }

    @Test
    void realisticVisionScalesTheNormBy0764AtT981() throws Exception {
        double f = expected().get("normFactor981").asDouble();
        assertThat(f).isCloseTo(0.0764, within(5e-5));
        AnisotropySettings sd1 = new AnisotropySettings(1, 0, null, AnisotropyPreset.SD1, null, null);
        AnisotropySettings rv = new AnisotropySettings(1, 0, null, AnisotropyPreset.RV, null, null);
        double[][] a = terms(sd1, PredictionType.EPSILON);
        double[][] b = terms(rv, PredictionType.EPSILON);
        close(b[0][0] / a[0][0], f, "rv N / sd1 N");
    }

    @Test
    void aVModelDefaultsToTheSd2PresetWithTheCosineOnRawV() throws Exception {
        JsonNode e = expected();
        double[] sc = scores(new AnisotropySettings(1, 0, null, null, null, null), PredictionType.V_PREDICTION);
        close(sc[0], e.get("sd2").get("prompts").get(0).get("score").asDouble(), "auto on v = sd2");
    }

    @Test
    void theOtherCosineModesMatchTheAuthorsModes() throws Exception {
        JsonNode e = expected().get("sd1").get("prompts");
        Map<GuidanceVariant, String> modes = Map.of(GuidanceVariant.COND_VS_UNCOND, "x,x|c",
                GuidanceVariant.COND_VS_GUIDANCE, "x|c,c|x");
        for (var m : modes.entrySet()) {
            double[][] t = terms(new AnisotropySettings(1, 0, null, AnisotropyPreset.SD1, null, m.getKey()),
                    PredictionType.EPSILON);
            for (int i = 0; i < 2; i++) {
                close(t[1][i], e.get(i).get("A").get(m.getValue()).asDouble(), m.getValue() + " " + i);
            }
        }
    }
}
