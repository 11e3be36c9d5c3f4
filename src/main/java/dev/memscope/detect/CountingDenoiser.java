package dev.memscope.detect;

import dev.memscope.model.Condition;
import dev.memscope.model.CrossAttention;
import dev.memscope.model.Denoiser;
import dev.memscope.model.JacobianDenoiser;
import dev.memscope.model.LatentVjpDenoiser;
import dev.memscope.model.PredictionType;
import dev.memscope.model.RecordedNoise;
import dev.memscope.tensor.TensorF32;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/** Counts forward passes (one per latent per call) of the denoiser it wraps. */
public final class CountingDenoiser implements Denoiser {
    private final Denoiser inner;
    private final AtomicLong passes = new AtomicLong();

    public CountingDenoiser(Denoiser inner) {
        this.inner = inner;
    }

    /** The model this counter wraps. */
    public Denoiser inner() {
        return inner;
    }

    public long passes() {
        return passes.get();
    }

    public void reset() {
        passes.set(0);
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
    public void predict(TensorF32 xt, int[] timesteps, Condition[] conditions, TensorF32 out) {
        inner.predict(xt, timesteps, conditions, out);
        passes.addAndGet(xt.batch());
    }

    @Override
    public Condition[] conditions(java.util.List<String> prompts) {
        return inner.conditions(prompts);
    }

    @Override
    public void predict(TensorF32 xt, int t, Condition[] conditions, TensorF32 out) {
        inner.predict(xt, t, conditions, out);
        passes.addAndGet(xt.batch());
    }

    /**
     * A view of this counter that also offers the wrapped model's exact Jacobian-vector products, each counted as
     * one pass per latent (like a forward-mode evaluation), or empty where the wrapped model has none.
     */
    @Override
    public Optional<JacobianDenoiser> exactJacobian() {
        return inner.exactJacobian().map(this::counted);
    }

    @Override
    public Optional<dev.memscope.model.AttentionKeyControl> attentionKeyControl() {
        return inner.attentionKeyControl();
    }

    /** The wrapped model's latent VJPs, each counted as one pass per latent (as a backward pass), or empty. */
    @Override
    public Optional<LatentVjpDenoiser> latentVjpModel() {
        return inner.latentVjpModel().map(this::countedVjp);
    }

    /** The wrapped model's cross-attention, each call counted as one pass per latent. */
    @Override
    public Optional<CrossAttention> crossAttention() {
        return inner.crossAttention().map(a -> (xt, t, conditions) -> {
            CrossAttention.AttentionMaps m = a.attention(xt, t, conditions);
            passes.addAndGet(xt.batch());
            return m;
        });
    }

    @Override
    public Optional<RecordedNoise> recording() {
        return inner.recording();
    }

    private JacobianDenoiser counted(JacobianDenoiser exact) {
        return new CountedJacobian(exact);
    }

    private LatentVjpDenoiser countedVjp(LatentVjpDenoiser vjp) {
        return new CountedVjp(vjp);
    }

    /** A derivative view of this counter: shape and forward questions go to the counter, so they count too. */
    private abstract class CountedView implements Denoiser {
        @Override
        public PredictionType predictionType() {
            return CountingDenoiser.this.predictionType();
        }

        @Override
        public int channels() {
            return CountingDenoiser.this.channels();
        }

        @Override
        public int height() {
            return CountingDenoiser.this.height();
        }

        @Override
        public int width() {
            return CountingDenoiser.this.width();
        }

        @Override
        public Condition condition(String prompt) {
            return CountingDenoiser.this.condition(prompt);
        }

        @Override
        public void predict(TensorF32 xt, int t, Condition[] conditions, TensorF32 out) {
            CountingDenoiser.this.predict(xt, t, conditions, out);
        }
    }

    /** Exact JVPs, one pass per latent. */
    private final class CountedJacobian extends CountedView implements JacobianDenoiser {
        private final JacobianDenoiser exact;

        CountedJacobian(JacobianDenoiser exact) {
            this.exact = exact;
        }

        @Override
        public void jvp(TensorF32 xt, int t, Condition[] conditions, TensorF32 v, TensorF32 out) {
            exact.jvp(xt, t, conditions, v, out);
            passes.addAndGet(xt.batch());
        }
    }

    /** Latent VJPs, one pass per latent (as a backward pass). */
    private final class CountedVjp extends CountedView implements LatentVjpDenoiser {
        private final LatentVjpDenoiser vjp;

        CountedVjp(LatentVjpDenoiser vjp) {
            this.vjp = vjp;
        }

        @Override
        public void latentVjp(TensorF32 xt, int t, Condition[] conditions, TensorF32 v, TensorF32 out) {
            vjp.latentVjp(xt, t, conditions, v, out);
            passes.addAndGet(xt.batch());
        }
    }

    @Override
    public void close() {
        inner.close();
    }
}
