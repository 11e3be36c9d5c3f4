package dev.memscope.mitigate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memscope.detect.CountingDifferentiableDenoiser;
import dev.memscope.diffusion.DdimSampler;
import dev.memscope.diffusion.StepHook;
import dev.memscope.eval.membench.Cosine;
import dev.memscope.kernels.cpu.VectorGemm;
import dev.memscope.model.lab.LabDenoiser;
import dev.memscope.model.lab.LabWorld;
import dev.memscope.tensor.TensorF32;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * SAIL on a small lab world (D = 256, MemBench's beta 60), 4 memorized prompts x 2 images: what it does to its
 * objective and to copying, as measured (docs/mitigation.md, SAIL). One round of 8 candidates per prompt with a
 * threshold no latent reaches, so every candidate runs its 10 evaluations and the prompt takes its lowest-loss ones.
 */
class SailLabTest {
    private static final int IMAGES = 2;

    private final LabWorld world = MitigationWorlds.build(MitigationWorlds.small().with("beta", 60.0));
    private final CountingDifferentiableDenoiser model =
            new CountingDifferentiableDenoiser(new LabDenoiser(world, new VectorGemm(1)));
    private final MitigationContext ctx = MitigationWorlds.context(model, world);
    private final String[] mem = MitigationWorlds.captions(world, LabWorld.Kind.MEMORIZED).toArray(String[]::new);
    private final String[] prompts = new String[mem.length * IMAGES];
    private final long[] seeds = new long[prompts.length];

    SailLabTest() {
        for (int i = 0; i < prompts.length; i++) {
            prompts[i] = mem[i / IMAGES];
            seeds[i] = 100 + i;
        }
    }

    private TensorF32 noise() {
        return DdimSampler.initialNoise(world.channels(), world.height(), world.width(), seeds);
    }

    /** Mean cosine of each sample to its prompt's memorized training image. */
    private double copying(Mitigation.Plan plan, TensorF32 xT) {
        TensorF32 x0 = new DdimSampler(model, MitigationWorlds.KERNELS).sample(plan.noise(xT), plan.conditions(),
                7.5, 50, plan.hook());
        int[] memIdx = world.indicesOf(LabWorld.Kind.MEMORIZED);
        int d = world.dim();
        double sum = 0;
        for (int i = 0; i < prompts.length; i++) {
            sum += Cosine.of(x0.data(), i * d, world.mean(memIdx[i / IMAGES]), 0, d);
        }
        return sum / prompts.length;
    }

    /**
     * It lowers its objective by more than 15 % (measured 1.203 -> 0.850 at the defaults' 30 rounds; here one
     * round), yet copying does not move: these memorized captions' conditionals are pinned to their images whatever
     * x_T is, so no initial noise escapes them (the MemBench quick run's softer paraphrased triggers do respond to
     * low thresholds; docs/mitigation.md). Were SAIL to start reducing copying here, update the docs.
     */
    @Test
    void lowersItsObjectiveButNotTheLabsCopying() {
        TensorF32 xT = noise();
        double none = copying(new NoMitigation(ctx).plan(prompts, seeds, xT), xT);
        SailInitialNoiseOptimization sail = new SailInitialNoiseOptimization(ctx, new SailInitialNoiseOptimization.Config(
                -1, SailInitialNoiseOptimization.REG_WEIGHT, SailInitialNoiseOptimization.LR,
                SailInitialNoiseOptimization.MAX_STEPS, SailInitialNoiseOptimization.BUDGET, 1, true));
        Mitigation.Plan plan = sail.plan(prompts, seeds, xT);
        Map<String, Double> st = sail.statistics();
        assertThat(st.get("share_reaching_threshold")).isZero();
        assertThat(st.get("mean_final_loss")).as("%s", st).isLessThan(0.85 * st.get("mean_initial_loss"));
        // every optimized latent really has the lower loss it reports
        for (int p = 0; p < mem.length; p++) {
            TensorF32 rows = new TensorF32(plan.noise(xT).shape().withBatch(IMAGES), java.util.Arrays.copyOfRange(
                    plan.noise(xT).data(), p * IMAGES * world.dim(), (p + 1) * IMAGES * world.dim()));
            TensorF32 given = new TensorF32(rows.shape(), java.util.Arrays.copyOfRange(xT.data(),
                    p * IMAGES * world.dim(), (p + 1) * IMAGES * world.dim()));
            double[] after = sail.loss(mem[p], rows);
            double[] before = sail.loss(mem[p], given);
            assertThat(after[0] + after[1]).as(mem[p]).isLessThan(before[0] + before[1]);
        }
        // 8 candidates x 10 evaluations (eps_c and eps_u at x + u) plus the start's direction; VJPs after 9 of them
        assertThat(st.get("extra_forward_passes_per_sample")).isEqualTo(8.0 * (2 * 10 + 2) / IMAGES);
        assertThat(st.get("latent_vjps_per_sample")).isEqualTo(8.0 * 9 * 4 / IMAGES);
        double mitigated = copying(plan, xT);
        assertThat(none).as("the lab copies these prompts").isGreaterThan(0.99);
        assertThat(mitigated).as("copying under SAIL, as measured (none: %.4f)", none).isGreaterThan(0.99);
    }

    /** A threshold every x_T passes keeps the runner's noise exactly, with no VJP: those images are sampled as none. */
    @Test
    void keepsNoiseThatAlreadyPasses() {
        TensorF32 xT = noise();
        SailInitialNoiseOptimization sail = new SailInitialNoiseOptimization(ctx,
                SailInitialNoiseOptimization.Config.defaults().withThreshold(1e9));
        Mitigation.Plan plan = sail.plan(prompts, seeds, xT);
        assertThat(plan.noise(xT).data()).isEqualTo(xT.data());
        assertThat(plan.hook()).isSameAs(StepHook.NONE);
        assertThat(sail.statistics().get("share_noise_unchanged")).isEqualTo(1.0);
        assertThat(sail.statistics().get("latent_vjps_per_sample")).isZero();
    }
}
