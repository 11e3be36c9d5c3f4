package dev.memscope.detect;

import dev.memscope.model.Condition;
import dev.memscope.model.CrossAttention;
import dev.memscope.model.Denoiser;
import dev.memscope.model.EmbeddingGradientDenoiser;
import dev.memscope.model.JacobianDenoiser;
import dev.memscope.model.LatentVjpDenoiser;
import dev.memscope.model.PredictionType;
import dev.memscope.model.RecordedNoise;
import dev.memscope.tensor.TensorF32;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the passes of a model with reverse-mode products (the testbed's ONNX UNet with its VJP graph): predictions
 * and attention maps as {@link CountingDenoiser} counts them, each latent or embedding VJP as one pass per latent,
 * as the lab's counter does. It implements both VJP interfaces, so that Wen's and SAIL's optimizations find them
 * through the counter.
 */
public final class CountingVjpDenoiser implements EmbeddingGradientDenoiser, LatentVjpDenoiser {
    private final CountingDenoiser forward;
    private final EmbeddingGradientDenoiser embedding;
    private final LatentVjpDenoiser latent;
    private final AtomicLong vjps = new AtomicLong();

    public <M extends EmbeddingGradientDenoiser & LatentVjpDenoiser> CountingVjpDenoiser(M inner) {
        this.forward = new CountingDenoiser(inner);
        this.embedding = inner;
        this.latent = inner;
    }

    /** Wraps {@code model} in this counter when it offers both VJPs, else in a plain {@link CountingDenoiser}. */
    public static Denoiser counting(Denoiser model) {
        if (model instanceof EmbeddingGradientDenoiser && model instanceof LatentVjpDenoiser) {
            return new CountingVjpDenoiser((EmbeddingGradientDenoiser & LatentVjpDenoiser) model);
        }
        return new CountingDenoiser(model);
    }

    /** Passes so far of a counter made by {@link #counting}. */
    public static long passes(Denoiser counter) {
        if (counter instanceof CountingVjpDenoiser c) {
            return c.passes();
        }
        if (counter instanceof CountingDenoiser c) {
            return c.passes();
        }
        throw new IllegalArgumentException(counter.getClass().getSimpleName() + " counts no passes");
    }

    /** Forward passes, attention maps and VJPs, each one per latent. */
    public long passes() {
        return forward.passes() + vjps.get();
    }

    /** VJPs alone (both kinds), one per latent. */
    public long vjps() {
        return vjps.get();
    }

    @Override
    public PredictionType predictionType() {
        return forward.predictionType();
    }

    @Override
    public int channels() {
        return forward.channels();
    }

    @Override
    public int height() {
        return forward.height();
    }

    @Override
    public int width() {
        return forward.width();
    }

    @Override
    public Condition condition(String prompt) {
        return forward.condition(prompt);
    }

    @Override
    public Condition condition(float[] e, String label) {
        return embedding.condition(e, label);
    }

    @Override
    public void predict(TensorF32 xt, int t, Condition[] conditions, TensorF32 out) {
        forward.predict(xt, t, conditions, out);
    }

    @Override
    public void predict(TensorF32 xt, int[] timesteps, Condition[] conditions, TensorF32 out) {
        forward.predict(xt, timesteps, conditions, out);
    }

    @Override
    public Condition[] conditions(java.util.List<String> prompts) {
        return forward.conditions(prompts);
    }

    @Override
    public Optional<dev.memscope.model.AttentionKeyControl> attentionKeyControl() {
        return forward.attentionKeyControl();
    }

    @Override
    public void embeddingVjp(TensorF32 xt, int t, Condition[] conditions, TensorF32 v, float[] out) {
        embedding.embeddingVjp(xt, t, conditions, v, out);
        vjps.addAndGet(xt.batch());
    }

    @Override
    public void latentVjp(TensorF32 xt, int t, Condition[] conditions, TensorF32 v, TensorF32 out) {
        latent.latentVjp(xt, t, conditions, v, out);
        vjps.addAndGet(xt.batch());
    }

    @Override
    public Optional<JacobianDenoiser> exactJacobian() {
        return forward.exactJacobian();
    }

    @Override
    public Optional<CrossAttention> crossAttention() {
        return forward.crossAttention();
    }

    @Override
    public Optional<RecordedNoise> recording() {
        return forward.recording();
    }

    @Override
    public void close() {
        forward.close();
    }
}
