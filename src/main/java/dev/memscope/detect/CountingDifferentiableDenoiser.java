package dev.memscope.detect;

import dev.memscope.model.Condition;
import dev.memscope.model.Denoiser;
import dev.memscope.model.EmbeddingGradientDenoiser;
import dev.memscope.model.JacobianDenoiser;
import dev.memscope.model.LatentVjpDenoiser;
import dev.memscope.model.PredictionType;
import dev.memscope.tensor.TensorF32;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts forward passes of a model that also differentiates (the lab): predictions, latent JVPs, latent VJPs and
 * embedding VJPs each count one pass per latent, as the lab's own counter did. It implements every derivative
 * interface, so the mitigations that look for them (AMG, Wen's embedding optimization, SAIL) still find them through
 * the counter.
 */
public final class CountingDifferentiableDenoiser implements JacobianDenoiser, EmbeddingGradientDenoiser,
        LatentVjpDenoiser {
    private final Denoiser inner;
    private final JacobianDenoiser jacobian;
    private final EmbeddingGradientDenoiser gradient;
    private final LatentVjpDenoiser vjp;
    private final AtomicLong passes = new AtomicLong();

    public <M extends JacobianDenoiser & EmbeddingGradientDenoiser & LatentVjpDenoiser>
    CountingDifferentiableDenoiser(M inner) {
        this.inner = inner;
        this.jacobian = inner;
        this.gradient = inner;
        this.vjp = inner;
    }

    public long passes() {
        return passes.get();
    }

    @Override
    public PredictionType predictionType() {
        return inner.predictionType();
    }

    @Override
    public int channels() {
        return inner.channels();
    }

    @Override
    public int height() {
        return inner.height();
    }

    @Override
    public int width() {
        return inner.width();
    }

    @Override
    public Condition condition(String prompt) {
        return inner.condition(prompt);
    }

    @Override
    public Condition condition(float[] embedding, String label) {
        return gradient.condition(embedding, label);
    }

    @Override
    public void predict(TensorF32 xt, int t, Condition[] conditions, TensorF32 out) {
        inner.predict(xt, t, conditions, out);
        passes.addAndGet(xt.batch());
    }

    @Override
    public void jvp(TensorF32 xt, int t, Condition[] conditions, TensorF32 v, TensorF32 out) {
        jacobian.jvp(xt, t, conditions, v, out);
        passes.addAndGet(xt.batch());
    }

    @Override
    public void embeddingVjp(TensorF32 xt, int t, Condition[] conditions, TensorF32 v, float[] out) {
        gradient.embeddingVjp(xt, t, conditions, v, out);
        passes.addAndGet(xt.batch());
    }

    @Override
    public void latentVjp(TensorF32 xt, int t, Condition[] conditions, TensorF32 v, TensorF32 out) {
        vjp.latentVjp(xt, t, conditions, v, out);
        passes.addAndGet(xt.batch());
    }

    @Override
    public void close() {
        inner.close();
    }
}
