package dev.memscope.triggers;

import dev.memscope.model.Condition;
import dev.memscope.model.Denoiser;
import dev.memscope.model.PredictionType;
import dev.memscope.tensor.TensorF32;
import java.util.Arrays;

/**
 * A denoiser whose conditional output exceeds the unconditional one by the number of times "gold" occurs in the
 * prompt, on every element: D = (count)^2 x C H W exactly, so a search's target is known (every slot "gold").
 */
final class WordCountDenoiser implements Denoiser {
    static final int C = 1;
    static final int H = 2;
    static final int W = 2;
    long passes;

    @Override
    public PredictionType predictionType() {
        return PredictionType.EPSILON;
    }

    @Override
    public int channels() {
        return C;
    }

    @Override
    public int height() {
        return H;
    }

    @Override
    public int width() {
        return W;
    }

    @Override
    public Condition condition(String prompt) {
        long n = Arrays.stream(prompt.split(" ")).filter("gold"::equals).count();
        return Condition.of(new float[] {n}, prompt);
    }

    @Override
    public void predict(TensorF32 xt, int t, Condition[] c, TensorF32 out) {
        int per = C * H * W;
        passes += c.length;
        for (int b = 0; b < c.length; b++) {
            float v = c[b].isNull() ? 0 : c[b].embedding()[0];
            Arrays.fill(out.data(), b * per, (b + 1) * per, v);
        }
    }

    @Override
    public void close() {
    }
}
