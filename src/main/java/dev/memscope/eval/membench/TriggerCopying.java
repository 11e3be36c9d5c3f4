package dev.memscope.eval.membench;

import java.util.Arrays;
import java.util.List;

/**
 * MemBench's copying metrics for one trigger prompt, with the lab's stand-in for SSCD: the cosine similarity in
 * latent space between each of the prompt's n generated images and the group's reference image. Per prompt: the
 * maximum, the mean of the top 3 (of all n when n < 3), and the share of images above {@link #THRESHOLD}.
 */
public record TriggerCopying(double maxSimilarity, double top3Similarity, double shareAbove) {
    /** MemBench's copy threshold on SSCD similarity (also used for the lab's cosine). */
    public static final double THRESHOLD = 0.5;
    public static final int TOP = 3;

    /** Scores images {@code [n, d]} (row-major, starting at {@code offset}) against a reference image of d elements. */
    public static TriggerCopying of(float[] images, int offset, int n, int d, float[] reference) {
        if (n < 1) {
            throw new IllegalArgumentException("trigger copying: need at least one image, got " + n);
        }
        if (reference.length != d) {
            throw new IllegalArgumentException("trigger copying: reference of " + reference.length
                    + " elements for images of " + d);
        }
        double[] sim = new double[n];
        for (int i = 0; i < n; i++) {
            sim[i] = Cosine.of(images, offset + i * d, reference, 0, d);
        }
        return ofSimilarities(sim);
    }

    /** The metrics of given similarities (one per image), share above {@link #THRESHOLD}. */
    public static TriggerCopying ofSimilarities(double[] sim) {
        return ofSimilarities(sim, THRESHOLD);
    }

    /**
     * The metrics of given similarities with another copy threshold (the testbed's copy embedding has its own,
     * docs/metrics.md).
     */
    public static TriggerCopying ofSimilarities(double[] sim, double threshold) {
        if (sim.length == 0) {
            throw new IllegalArgumentException("trigger copying: need at least one image");
        }
        double[] s = sim.clone();
        Arrays.sort(s);
        int n = s.length;
        double top = 0;
        int k = Math.min(TOP, n);
        for (int i = n - k; i < n; i++) {
            top += s[i];
        }
        int above = 0;
        for (double v : s) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("trigger copying: similarity " + v);
            }
            if (v > threshold) {
                above++;
            }
        }
        return new TriggerCopying(s[n - 1], top / k, (double) above / n);
    }

    /** Means over prompts, MemBench's summary. */
    public static TriggerCopying mean(List<TriggerCopying> perPrompt) {
        if (perPrompt.isEmpty()) {
            throw new IllegalArgumentException("trigger copying: no prompts to average");
        }
        double a = 0;
        double b = 0;
        double c = 0;
        for (TriggerCopying t : perPrompt) {
            a += t.maxSimilarity;
            b += t.top3Similarity;
            c += t.shareAbove;
        }
        int n = perPrompt.size();
        return new TriggerCopying(a / n, b / n, c / n);
    }
}
