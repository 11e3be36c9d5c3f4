package dev.memscope.detect;

import dev.memscope.diffusion.DdimSampler;
import dev.memscope.model.Condition;
import dev.memscope.model.Denoiser;
import dev.memscope.model.RecordedNoise;
import dev.memscope.tensor.TensorF32;
import java.util.List;

/**
 * The layout of the denoising-free detectors: every prompt meets the same n pure-noise latents (image i drawn from
 * seed {@code seed + i}), so differences between prompts come from the text alone. Item {@code p * n + i} is
 * prompt p with image i. A replay ({@link RecordedNoise}) supplies each prompt's own recorded latents instead.
 */
final class SharedNoise {
    final TensorF32 x;
    final Condition[] conditions;
    final int prompts;
    final int images;
    private final boolean recorded;

    SharedNoise(Denoiser model, List<String> prompts, int images, long seed) {
        this.prompts = prompts.size();
        this.images = images;
        long[] seeds = new long[images];
        for (int i = 0; i < images; i++) {
            seeds[i] = seed + i;
        }
        int n = this.prompts * images;
        RecordedNoise recorded = model.recording().orElse(null);
        this.recorded = recorded != null;
        if (recorded != null) {
            // a replay answers only at the latents it recorded, one set per prompt: take those, not shared seeds
            String[] ps = new String[n];
            int[] is = new int[n];
            conditions = new Condition[n];
            for (int p = 0; p < this.prompts; p++) {
                Condition c = model.condition(prompts.get(p));
                for (int i = 0; i < images; i++) {
                    ps[p * images + i] = prompts.get(p);
                    is[p * images + i] = i;
                    conditions[p * images + i] = c;
                }
            }
            x = RecordedModels.initialNoise(recorded, model, ps, is);
            return;
        }
        TensorF32 noise = DdimSampler.initialNoise(model.channels(), model.height(), model.width(), seeds);
        int per = noise.shape().sampleSize();
        float[] d = new float[n * per];
        conditions = new Condition[n];
        Condition[] byPrompt = model.conditions(prompts);
        for (int p = 0; p < this.prompts; p++) {
            Condition c = byPrompt[p];
            for (int i = 0; i < images; i++) {
                System.arraycopy(noise.data(), i * per, d, (p * images + i) * per, per);
                conditions[p * images + i] = c;
            }
        }
        x = new TensorF32(noise.shape().withBatch(n), d);
    }

    /** Whether every prompt meets the same k latents (item p * k + i is image i), so k latents hold them all. */
    boolean shared() {
        return !recorded;
    }
}
