package dev.memscope.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memscope.diffusion.DdimSampler;
import dev.memscope.kernels.Backends;
import dev.memscope.kernels.ScoreKernels;
import dev.memscope.tensor.TensorF32;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** KeyLogits' checks, a condition carrying them, and the sampler evaluating a condition's own unconditional branch. */
class KeyLogitsTest {

    @Test
    void rejectsMismatchedOrNonFiniteValuesAndCopiesItsArrays() {
        assertThatThrownBy(() -> new KeyLogits(new float[3], new float[2])).hasMessageContaining("3 and 2");
        assertThatThrownBy(() -> new KeyLogits(new float[] {1, Float.NaN}, new float[2]))
                .hasMessageContaining("key 1");
        assertThatThrownBy(() -> new KeyLogits(new float[] {1}, new float[] {Float.NEGATIVE_INFINITY}))
                .hasMessageContaining("MASKED");
        float[] s = {1, 2};
        KeyLogits k = new KeyLogits(s, new float[2]);
        s[0] = 9;
        k.scale()[1] = 9;
        assertThat(k.scale()).containsExactly(1, 2);
        assertThat(KeyLogits.identity(4)).isEqualTo(new KeyLogits(new float[] {1, 1, 1, 1}, new float[4]));
    }

    @Test
    void conditionsCarryControlAndTheirUnconditionalBranch() {
        Condition c = Condition.of(new float[] {1, 2}, "p");
        assertThat(c.keyLogits()).isNull();
        assertThat(c.unconditional()).isSameAs(Condition.NULL);
        Condition u = Condition.NULL.withKeyLogits(KeyLogits.identity(2));
        Condition cu = c.withKeyLogits(KeyLogits.identity(2)).withUnconditional(u);
        assertThat(cu.embedding()).isSameAs(c.embedding());
        assertThat(cu.unconditional()).isSameAs(u);
        assertThat(u.isNull()).isTrue();
        assertThatThrownBy(() -> c.withUnconditional(c)).hasMessageContaining("null condition");
    }

    @Test
    void theSamplerEvaluatesEachSamplesOwnUnconditionalCondition() {
        Condition u = Condition.NULL.withKeyLogits(KeyLogits.identity(2));
        Condition[] plan = {Condition.of(new float[] {1, 2}, "a").withUnconditional(u), Condition.of(new float[] {3, 4},
                "b")};
        List<Condition> seen = new ArrayList<>();
        Denoiser recording = new Denoiser() {
            @Override
            public PredictionType predictionType() {
                return PredictionType.EPSILON;
            }

            @Override
            public int channels() {
                return 1;
            }

            @Override
            public int height() {
                return 2;
            }

            @Override
            public int width() {
                return 2;
            }

            @Override
            public Condition condition(String prompt) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void predict(TensorF32 xt, int t, Condition[] conditions, TensorF32 out) {
                seen.addAll(List.of(conditions));
            }
        };
        try (ScoreKernels k = Backends.create("cpu")) {
            new DdimSampler(recording, k).sample(DdimSampler.initialNoise(1, 2, 2, new long[] {1, 2}), plan, 7.5, 1,
                    dev.memscope.diffusion.StepHook.NONE);
        }
        assertThat(seen).containsExactly(u, Condition.NULL, plan[0], plan[1]);
    }
}
