package dev.memscope.diffusion;

import dev.memscope.kernels.Conversion;
import dev.memscope.kernels.ScoreKernels;
import dev.memscope.model.Condition;
import dev.memscope.model.Denoiser;
import dev.memscope.model.PredictionType;
import dev.memscope.tensor.Shape;
import dev.memscope.tensor.TensorF32;
import java.util.Arrays;
import java.util.Random;

/**
 * Deterministic DDIM (eta = 0) with classifier-free guidance: each step evaluates the unconditional and the
 * conditional branch in one batched call of 2B samples, forms {@code eps_u + g (eps_c - eps_u)}, shows the step to
 * the {@link StepHook}, and moves {@code x_t} to the previous timestep (the last step lands on the predicted x0).
 * The arithmetic on tensors goes through {@link ScoreKernels} so every backend samples the same way.
 */
public final class DdimSampler {
    public static final double DEFAULT_GUIDANCE = 7.5;
    public static final int DEFAULT_STEPS = 50;

    private final Denoiser model;
    private final ScoreKernels kernels;
    private final NoiseSchedule schedule;

    public DdimSampler(Denoiser model, ScoreKernels kernels) {
        this.model = model;
        this.kernels = kernels;
        this.schedule = NoiseSchedule.stableDiffusion();
    }

    /** Initial latents, sample b drawn from {@code java.util.Random(seeds[b])}: a seed names an image. */
    public static TensorF32 initialNoise(int channels, int height, int width, long[] seeds) {
        Shape shape = new Shape(seeds.length, channels, height, width);
        float[] d = new float[shape.size()];
        int n = shape.sampleSize();
        for (int b = 0; b < seeds.length; b++) {
            Random r = new Random(seeds[b]);
            for (int i = 0; i < n; i++) {
                d[b * n + i] = (float) r.nextGaussian();
            }
        }
        return new TensorF32(shape, d);
    }

    /** Samples from noise {@code xT} (not modified) and returns the final latents x0. */
    public TensorF32 sample(TensorF32 xT, Condition[] conditions, double guidance, int steps, StepHook hook) {
        return sample(xT, conditions, guidance, steps, hook, steps);
    }

    /**
     * Runs only the first {@code stepsToRun} of the {@code steps}-step schedule (detectors that read the start of a
     * trajectory need no more) and returns the latents reached, x0 when {@code stepsToRun == steps}.
     */
    public TensorF32 sample(TensorF32 xT, Condition[] conditions, double guidance, int steps, StepHook hook,
                            int stepsToRun) {
        if (stepsToRun < 1 || stepsToRun > steps) {
            throw new IllegalArgumentException("DDIM: steps to run must be in [1, " + steps + "], got " + stepsToRun);
        }
        if (conditions.length != xT.batch()) {
            throw new IllegalArgumentException("DDIM: " + conditions.length + " conditions for a batch of " + xT.batch());
        }
        if (!Double.isFinite(guidance)) {
            throw new IllegalArgumentException("DDIM: guidance scale must be finite, got " + guidance);
        }
        int b = xT.batch();
        Shape shape = xT.shape();
        int n = shape.size();
        TensorF32 x = xT.copy();
        TensorF32 x2 = TensorF32.zeros(shape.withBatch(2 * b));
        TensorF32 out2 = TensorF32.zeros(shape.withBatch(2 * b));
        TensorF32 epsU = TensorF32.zeros(shape);
        TensorF32 epsC = TensorF32.zeros(shape);
        TensorF32 guided = TensorF32.zeros(shape);
        TensorF32 x0 = TensorF32.zeros(shape);
        Condition[] both = new Condition[2 * b];
        for (int i = 0; i < b; i++) {
            both[i] = conditions[i].unconditional();   // Condition.NULL unless a mitigation set one (Ren et al.)
        }
        System.arraycopy(conditions, 0, both, b, b);
        float[] scale = new float[b];
        Arrays.fill(scale, (float) guidance);
        int[] ts = schedule.ddimTimesteps(steps);
        for (int i = 0; i < stepsToRun; i++) {
            int t = ts[i];
            double abar = schedule.alphabar(t);
            System.arraycopy(x.data(), 0, x2.data(), 0, n);
            System.arraycopy(x.data(), 0, x2.data(), n, n);
            model.predict(x2, t, both, out2);
            if (model.predictionType() == PredictionType.V_PREDICTION) {
                kernels.convert(Conversion.V_TO_EPS, x2, out2, abar, out2);
            }
            System.arraycopy(out2.data(), 0, epsU.data(), 0, n);
            System.arraycopy(out2.data(), n, epsC.data(), 0, n);
            kernels.cfg(epsU, epsC, scale, guided);
            kernels.convert(Conversion.EPS_TO_X0, x, guided, abar, x0);
            hook.onStep(i, t, abar, x, epsU, epsC, x0, guided);
            kernels.ddimStep(x, guided, abar, schedule.alphabarPrev(t, steps), x);
        }
        return x;
    }
}
