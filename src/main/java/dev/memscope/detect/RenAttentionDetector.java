package dev.memscope.detect;

import dev.memscope.diffusion.NoiseSchedule;
import dev.memscope.model.CrossAttention;
import java.util.List;

/**
 * Ren et al. (ECCV 2024), cross-attention as a memorization detector, on the first DDIM step: every prompt meets
 * the same pure-noise latents x_T (as the other denoising-free detectors here), the model runs once per latent under
 * the prompt at the first timestep of a 50-step DDIM schedule (t = 981), and its cross-attention gives the token
 * distribution of {@link AttentionEntropy}. Two statistics:
 * <ul>
 * <li>{@code ren-entropy}: the attention entropy (the authors' detection mode "E": entropy at step 0). Memorized
 *   prompts spread attention over their tokens instead of parking it on BOS, so higher entropy = memorized, the
 *   authors' sign;</li>
 * <li>{@code ren-bos}: {@code 1 - a_BOS}, the attention the prompt draws away from the BOS token (the observation
 *   their mitigation acts on).</li>
 * </ul>
 * Only models exposing cross-attention can run it ({@link dev.memscope.model.Denoiser#crossAttention()}); the
 * conditional branch alone is evaluated: one forward pass per image.
 */
public final class RenAttentionDetector implements Detector {
    public static final int DDIM_STEPS = 50;
    public static final long DEFAULT_SEED = 20240;
    /** The authors' {@code text2img.py} generates one image per prompt for detection. */
    public static final int DEFAULT_IMAGES = 1;

    /** Which statistic of the token distribution is the score. */
    public enum Statistic {
        ENTROPY("ren-entropy"), BOS("ren-bos");

        final String detectorName;

        Statistic(String detectorName) {
            this.detectorName = detectorName;
        }
    }

    private final int images;
    private final long seed;
    private final Statistic statistic;

    public RenAttentionDetector(int images, long seed, Statistic statistic) {
        if (images < 1) {
            throw new IllegalArgumentException(statistic.detectorName + ": images per prompt must be >= 1, got "
                    + images);
        }
        this.images = images;
        this.seed = seed;
        this.statistic = statistic;
    }

    /** The timestep of the first of 50 DDIM steps on SD's schedule (981). */
    public static int firstTimestep() {
        return NoiseSchedule.stableDiffusion().ddimTimesteps(DDIM_STEPS)[0];
    }

    @Override
    public String name() {
        return statistic.detectorName;
    }

    @Override
    public DetectorCost cost() {
        return new DetectorCost(0, images, images);
    }

    @Override
    public DetectorNeeds needs() {
        return DetectorNeeds.beyondRecording(images, "cross-attention maps");
    }

    @Override
    public boolean needsAttention() {
        return true;
    }

    @Override
    public Scores score(List<String> prompts, DetectionContext ctx) {
        PromptChecks.require(name(), prompts);
        long start = System.nanoTime();
        CountingDenoiser counter = new CountingDenoiser(ctx.model());
        CrossAttention attention = counter.crossAttention().orElseThrow(() -> new IllegalArgumentException(name()
                + " needs cross-attention maps; this model exposes none (the lab and replays have none; the "
                + "testbed's ONNX UNet exports them)"));
        ctx.progress().start(name(), cost().forwardPassesPerPrompt() * prompts.size());
        SharedNoise noise = new SharedNoise(counter, prompts, images, seed);
        double[] item = new double[noise.x.batch()];
        int per = noise.x.shape().sampleSize();
        int t = firstTimestep();
        for (int from = 0; from < item.length; from += ctx.batchSize()) {
            int b = Math.min(item.length, from + ctx.batchSize()) - from;
            var x = new dev.memscope.tensor.TensorF32(noise.x.shape().withBatch(b),
                    java.util.Arrays.copyOfRange(noise.x.data(), from * per, (from + b) * per));
            var conds = java.util.Arrays.copyOfRange(noise.conditions, from, from + b);
            double[][] a = AttentionEntropy.tokenDistribution(attention.attention(x, t, conds));
            for (int i = 0; i < b; i++) {
                item[from + i] = statistic == Statistic.ENTROPY ? AttentionEntropy.entropy(a[i]) : 1 - a[i][0];
            }
            ctx.progress().advance(b);
        }
        ctx.progress().done();
        double[] s = new double[prompts.size()];
        for (int p = 0; p < s.length; p++) {
            double sum = 0;
            for (int i = 0; i < images; i++) {
                sum += item[p * images + i];
            }
            s[p] = sum / images;
        }
        return new Scores(name(), s, counter.passes(), System.nanoTime() - start);
    }
}
