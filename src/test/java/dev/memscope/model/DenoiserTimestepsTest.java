package dev.memscope.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memscope.tensor.Shape;
import dev.memscope.tensor.TensorF32;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The default per-sample-timestep predict: one call per run of equal consecutive timesteps, each sample answered at
 * its own timestep (oracle: a fake whose output encodes the timestep and the sample it saw).
 */
class DenoiserTimestepsTest {

    /** Writes t + 1000 * (latent's first value) into every element, and records each call's (t, batch). */
    private static final class Echo implements Denoiser {
        final List<int[]> calls = new ArrayList<>();

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
            return 1;
        }

        @Override
        public int width() {
            return 2;
        }

        @Override
        public Condition condition(String prompt) {
            return Condition.NULL;
        }

        @Override
        public void predict(TensorF32 xt, int t, Condition[] conditions, TensorF32 out) {
            calls.add(new int[] {t, xt.batch()});
            for (int i = 0; i < out.data().length; i++) {
                out.data()[i] = t + 1000 * xt.data()[(i / 2) * 2];
            }
        }
    }

    @Test
    void eachSampleIsAnsweredAtItsOwnTimestepInOneCallPerRun() {
        Echo m = new Echo();
        TensorF32 x = new TensorF32(new Shape(5, 1, 1, 2), new float[] {0, 0, 1, 1, 2, 2, 3, 3, 4, 4});
        int[] ts = {981, 981, 41, 41, 981};
        TensorF32 out = TensorF32.zeros(x.shape());
        m.predict(x, ts, new Condition[5], out);
        for (int b = 0; b < 5; b++) {
            assertThat(out.data()[2 * b]).as("sample %d", b).isEqualTo(ts[b] + 1000f * b);
            assertThat(out.data()[2 * b + 1]).isEqualTo(ts[b] + 1000f * b);
        }
        assertThat(m.calls).containsExactly(new int[] {981, 2}, new int[] {41, 2}, new int[] {981, 1});
    }

    @Test
    void aTimestepCountThatIsNotTheBatchIsRefused() {
        TensorF32 x = TensorF32.zeros(new Shape(2, 1, 1, 2));
        assertThatThrownBy(() -> new Echo().predict(x, new int[] {1}, new Condition[2], TensorF32.zeros(x.shape())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 timesteps");
    }

    @Test
    void defaultConditionsAskOnePromptAtATime() {
        assertThat(new Echo().conditions(List.of("a", ""))).containsExactly(Condition.NULL, Condition.NULL);
    }
}
