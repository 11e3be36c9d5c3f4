package dev.memscope.model.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memscope.diffusion.DdimSampler;
import dev.memscope.kernels.Backends;
import dev.memscope.kernels.ScoreKernels;
import dev.memscope.model.Condition;
import dev.memscope.tensor.Npy;
import dev.memscope.tensor.NpyArray;
import dev.memscope.tensor.TensorF32;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The replay answers exactly what was recorded, and refuses everything else with a message that says why. */
class ReplayDenoiserTest {
    private static final String HIPPO = "Mothers influence on her young hippo";   // prompt 2 of both recordings

    @Test
    void returnsTheRecordedOutputsAtTheRecordedLatent() throws Exception {
        Path dir = ReplayTestData.pure();
        try (ReplayDenoiser m = ReplayDenoiser.open(dir)) {
            TensorF32 x = m.initialNoise(HIPPO, 0);
            // shard noise_000000-000004.npy holds prompts 0..4; prompt 2 is its third row
            float[] rows = Npy.read(dir.resolve("noise_000000-000004.npy")).toFloatArray();
            int per = 4 * 8 * 8;
            for (int i = 0; i < per; i++) {
                assertThat(x.data()[i]).isEqualTo(rows[2 * per + i]);
            }
            TensorF32 both = new TensorF32(x.shape().withBatch(2), concat(x.data(), x.data()));
            TensorF32 out = TensorF32.zeros(both.shape());
            m.predict(both, 41, new Condition[] {Condition.NULL, m.condition(HIPPO)}, out);
            float[] u = Npy.read(dir.resolve("eps_u_t41_000000-000004.npy")).toFloatArray();
            float[] c = Npy.read(dir.resolve("eps_c_t41_000000-000004.npy")).toFloatArray();
            for (int i = 0; i < per; i++) {
                assertThat(out.data()[i]).isEqualTo(u[2 * per + i]);
                assertThat(out.data()[per + i]).isEqualTo(c[2 * per + i]);
            }
        }
    }

    @Test
    void unknownPromptSaysHowManyAreRecorded() throws Exception {
        try (ReplayDenoiser m = ReplayDenoiser.open(ReplayTestData.pure())) {
            assertThatThrownBy(() -> m.condition("a prompt nobody recorded"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'a prompt nobody recorded' was not recorded")
                    .hasMessageContaining("12 prompts are recorded");
            assertThat(m.condition("")).isSameAs(Condition.NULL);
            assertThatThrownBy(() -> m.initialNoise(HIPPO, 1)).hasMessageContaining("image 1 of prompt");
        }
    }

    @Test
    void unrecordedTimestepIsRefused() throws Exception {
        try (ReplayDenoiser m = ReplayDenoiser.open(ReplayTestData.pure())) {
            TensorF32 x = m.initialNoise(HIPPO, 0);
            assertThatThrownBy(() -> m.predict(x, 500, new Condition[] {m.condition(HIPPO)},
                    TensorF32.zeros(x.shape())))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("replay cannot evaluate unrecorded inputs: t = 500 was not recorded")
                    .hasMessageContaining("t = [981, 41]").hasMessageContaining("no trajectory");
        }
    }

    @Test
    void aLatentOtherThanTheRecordedOneIsRefused() throws Exception {
        try (ReplayDenoiser m = ReplayDenoiser.open(ReplayTestData.pure())) {
            TensorF32 x = m.initialNoise(HIPPO, 0);
            x.data()[17] += 1e-3f;   // beyond 1e-4 + 1e-4 |x|
            assertThatThrownBy(() -> m.predict(x, 981, new Condition[] {m.condition(HIPPO)},
                    TensorF32.zeros(x.shape())))
                    .hasMessageContaining("replay cannot evaluate unrecorded inputs: sample 0 (prompt 2 '" + HIPPO)
                    .hasMessageContaining("at element 17");
            // another prompt's latent is not this prompt's latent
            TensorF32 other = m.initialNoise("The No Limits Business Woman Podcast", 0);
            assertThatThrownBy(() -> m.predict(other, 981, new Condition[] {m.condition(HIPPO)},
                    TensorF32.zeros(other.shape()))).hasMessageContaining("is not the latent recorded");
            // unconditional: any recorded prompt's latent is accepted, a foreign one is not
            TensorF32 foreign = TensorF32.gaussian(x.shape(), 3);
            assertThatThrownBy(() -> m.predict(foreign, 981, new Condition[] {Condition.NULL},
                    TensorF32.zeros(x.shape()))).hasMessageContaining("matches no recorded latent of any of the 12");
            TensorF32 out = TensorF32.zeros(x.shape());
            m.predict(other, 981, new Condition[] {Condition.NULL}, out);
            assertThat(out.data()).containsOnly(finiteValues(out.data()));
        }
    }

    /**
     * Java's DDIM sampler, fed the recorded predictions, walks the recorded trajectory: every latent it reaches is
     * the script's within 1e-5 (the replay accepts 1e-4 + 1e-4 |x|). This is where record_eps.py's timesteps and
     * step formula are checked against DdimSampler's.
     */
    @ParameterizedTest
    @ValueSource(strings = {"scalar", "cpu"})
    void javasDdimSamplerReproducesTheRecordedTrajectory(String backend) throws Exception {
        Path dir = ReplayTestData.trajectory();
        NpyArray traj = Npy.read(dir.resolve("traj_x_000000-000002.npy"));   // prompts 0..2, [3, 50, 4, 4, 4]
        float[] rec = traj.toFloatArray();
        int per = 64;
        try (ReplayDenoiser m = ReplayDenoiser.open(dir); ScoreKernels k = Backends.create(backend)) {
            String[] prompts = ReplayTestData.prompts(dir).subList(0, 3).toArray(String[]::new);
            Condition[] conds = new Condition[3];
            float[] x0 = new float[3 * per];
            for (int p = 0; p < 3; p++) {
                conds[p] = m.condition(prompts[p]);
                System.arraycopy(m.initialNoise(prompts[p], 0).data(), 0, x0, p * per, per);
            }
            double[] worst = {0};
            new DdimSampler(m, k).sample(new TensorF32(new dev.memscope.tensor.Shape(3, 4, 4, 4), x0), conds,
                    DdimSampler.DEFAULT_GUIDANCE, 50, (step, t, abar, xt, epsU, epsC, x0hat, guided) -> {
                        for (int p = 0; p < 3; p++) {
                            for (int i = 0; i < per; i++) {
                                double d = Math.abs(xt.data()[p * per + i] - rec[(p * 50 + step) * per + i]);
                                worst[0] = Math.max(worst[0], d);
                            }
                        }
                    });
            assertThat(worst[0]).as(backend).isLessThan(1e-5);
        }
    }

    private static float[] concat(float[] a, float[] b) {
        float[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static Float[] finiteValues(float[] d) {
        Float[] out = new Float[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = Float.isFinite(d[i]) ? d[i] : 0f;
        }
        return out;
    }
}
