package dev.memscope.triggers;

import dev.memscope.copy.CopyJudge;
import dev.memscope.diffusion.DdimSampler;
import dev.memscope.diffusion.StepHook;
import dev.memscope.kernels.ScoreKernels;
import dev.memscope.model.Condition;
import dev.memscope.model.Denoiser;
import dev.memscope.progress.Progress;
import dev.memscope.tensor.TensorF32;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Keeps the word variants that still copy: each variant is generated with MemScope's DDIM under the labels' seeds
 * and settings (labels.py: {@code java.util.Random} seeds 777000.., 50 steps, guidance 7.5, eta 0) and judged by
 * the labels' rule ({@link CopyJudge#copiesItem}: nearest training image is the source caption's item image, within
 * TAU; kept when {@link CopyJudge#memorized} holds, at least half the generations copying). Nothing here changes the
 * rule: a variant is kept exactly when labels.py would have marked it memorized had it been a training caption of
 * that item.
 */
public final class VariantCopyFilter {
    /** labels.py's first seed; generation g of every prompt starts from {@code new Random(LABEL_SEED + g)}. */
    public static final long LABEL_SEED = 777000;
    /** labels.py's generations per caption. */
    public static final int LABEL_GENERATIONS = 4;

    /** A variant to check and the item whose image its source caption copies. */
    public record Candidate(WordVariants.Variant variant, int item) {
    }

    /** A checked variant: copies of the item's image among its generations, and whether it is kept. */
    public record Outcome(Candidate candidate, int copies, int generations, boolean kept) {
        public double copyRate() {
            return (double) copies / generations;
        }
    }

    private final Denoiser model;
    private final ScoreKernels kernels;
    private final CopyJudge judge;
    private final int generations;
    private final int steps;
    private final double guidance;
    private final int batch;

    /**
     * @param generations images per variant, seeds {@link #LABEL_SEED} onward (the labels used 4)
     * @param batch       samples per sampler call (a multiple of {@code generations} is rounded down to one)
     */
    public VariantCopyFilter(Denoiser model, ScoreKernels kernels, CopyJudge judge, int generations, int steps,
                             double guidance, int batch) {
        if (generations < 1 || steps < 1 || batch < generations || !(guidance >= 0)) {
            throw new IllegalArgumentException("variant filter: need generations >= 1, steps >= 1, guidance >= 0 and "
                    + "batch >= generations; got " + generations + ", " + steps + ", " + guidance + ", " + batch);
        }
        this.model = model;
        this.kernels = kernels;
        this.judge = judge;
        this.generations = generations;
        this.steps = steps;
        this.guidance = guidance;
        this.batch = batch;
    }

    /** Generates and judges every candidate, in order; progress advances by one per candidate. */
    public List<Outcome> run(List<Candidate> candidates, Progress progress) {
        int perCall = batch / generations;
        int d = model.channels() * model.height() * model.width();
        long[] seeds = new long[generations];
        for (int g = 0; g < generations; g++) {
            seeds[g] = LABEL_SEED + g;
        }
        TensorF32 noise = DdimSampler.initialNoise(model.channels(), model.height(), model.width(), seeds);
        DdimSampler sampler = new DdimSampler(model, kernels);
        List<Outcome> out = new ArrayList<>();
        for (int from = 0; from < candidates.size(); from += perCall) {
            int n = Math.min(candidates.size(), from + perCall) - from;
            float[] x = new float[n * generations * d];
            Condition[] cs = new Condition[n * generations];
            for (int p = 0; p < n; p++) {
                Condition c = model.condition(candidates.get(from + p).variant().prompt());
                System.arraycopy(noise.data(), 0, x, p * generations * d, generations * d);
                Arrays.fill(cs, p * generations, (p + 1) * generations, c);
            }
            TensorF32 xT = new TensorF32(noise.shape().withBatch(n * generations), x);
            float[] x0 = sampler.sample(xT, cs, guidance, steps, StepHook.NONE).data();
            for (int p = 0; p < n; p++) {
                List<float[]> images = new ArrayList<>();
                for (int g = 0; g < generations; g++) {
                    int s = p * generations + g;
                    images.add(Arrays.copyOfRange(x0, s * d, (s + 1) * d));
                }
                out.add(judge(candidates.get(from + p), images));
            }
            progress.advance(n);
        }
        return out;
    }

    /** The labels' rule on given generations of one candidate. */
    Outcome judge(Candidate c, List<float[]> images) {
        int copies = 0;
        for (float[] img : images) {
            copies += judge.copiesItem(img, c.item()) ? 1 : 0;
        }
        return new Outcome(c, copies, images.size(), CopyJudge.memorized(copies, images.size()));
    }
}
