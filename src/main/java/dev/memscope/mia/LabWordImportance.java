package dev.memscope.mia;

import dev.memscope.model.lab.LabWorld;
import dev.memscope.model.lab.TextEncoder;
import java.util.ArrayList;
import java.util.List;

/**
 * Word importance in the lab: how much a word pulls the caption's embedding toward the component key it matches
 * best. With {@code c = enc(caption)}, {@code k* = argmax_k <c, e_k>} over the world's keys and {@code c_{-i}} the
 * encoding of the caption with word i removed (its unigram and both bigrams go),
 * {@code importance(i) = <c, e_k*> - <c_{-i}, e_k*>}: the drop in similarity to the matched key, i.e. in the text
 * logit {@code beta <c, e_k>} that selects the training image. This plays the role of the authors' external
 * importance scores: the words that carry the conditioning are the ones clipped first. It reads the model's text
 * keys, as an attacker reading a real model's cross-attention would; it does not read membership.
 */
public final class LabWordImportance implements WordImportance {
    private final LabWorld world;
    private final TextEncoder encoder;

    public LabWordImportance(LabWorld world) {
        this.world = world;
        this.encoder = new TextEncoder(world.embeddingDim());
    }

    @Override
    public List<String> words(String caption) {
        return TextEncoder.words(caption);
    }

    @Override
    public double[] importance(String caption) {
        List<String> words = words(caption);
        double[] out = new double[words.size()];
        float[] c = encoder.encode(caption);
        if (c == null) {
            return out;
        }
        int best = bestKey(c);
        double full = dot(c, best);
        for (int i = 0; i < words.size(); i++) {
            List<String> rest = new ArrayList<>(words);
            rest.remove(i);
            float[] r = encoder.encode(String.join(" ", rest));
            out[i] = full - (r == null ? 0 : dot(r, best));
        }
        return out;
    }

    private int bestKey(float[] c) {
        int best = 0;
        double bestDot = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < world.components(); k++) {
            double d = dot(c, k);
            if (d > bestDot) {
                bestDot = d;
                best = k;
            }
        }
        return best;
    }

    private double dot(float[] c, int k) {
        float[] emb = world.emb();
        int e = world.embeddingDim();
        double s = 0;
        for (int j = 0; j < e; j++) {
            s += (double) c[j] * emb[k * e + j];
        }
        return s;
    }
}
