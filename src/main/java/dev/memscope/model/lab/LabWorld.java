package dev.memscope.model.lab;

import dev.memscope.data.PromptFiles;
import dev.memscope.model.Condition;
import dev.memscope.tensor.HeapBudget;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The lab's training distribution: a Gaussian mixture in latent space,
 * {@code p(x0 | c) = sum_k pi_k(c) N(mu_k, sigma2_k I)} with {@code pi_k(c) ~ n_k exp(beta <c, e_k>)} and
 * unconditionally {@code pi_k ~ n_k} for broad components and {@code pi_k ~ w n_k} for memorized ones, with
 * {@code w = uncondMemWeight} (default 3e-4: the unconditional model rarely produces a memorized image, as in SD,
 * where the caption-free model has no trigger to pin it; with w = 1 the exact unconditional score snaps onto a
 * memorized image as soon as a trajectory nears it and Wen's trajectory signal inverts). Component k is one training image (memorized: tiny variance, copied n_k
 * times) or one broad cluster of images (non-memorized prompts, generic captions); {@code e_k} is its caption's
 * embedding. Memorization is ground truth: {@link #kind(int)} says which components are memorized.
 *
 * <p>Arrays are row-major: {@code mu} is [K, D] float32 (D = C*H*W), {@code emb} [K, E] float32; sigma2 and counts
 * are float64. Instances are immutable; the arrays returned are the world's own and must not be modified.
 */
public final class LabWorld {
    public enum Kind { MEMORIZED, NONMEMORIZED, GENERIC }

    private final LabConfig config;
    private final int channels;
    private final int height;
    private final int width;
    private final int k;
    private final int e;
    private final double beta;
    private final float[] mu;
    private final double[] sigma2;
    private final double[] counts;
    private final float[] emb;
    private final List<String> captions;
    private final Kind[] kinds;
    private final double uncondMemLogWeight;

    /**
     * A world from explicit parts (tests, imports). Validates everything and names the component at fault:
     * K >= 1, finite means and keys, sigma2 > 0, counts > 0.
     */
    public LabWorld(LabConfig config, int channels, int height, int width, double beta, float[] mu, double[] sigma2,
                    double[] counts, float[] emb, List<String> captions, Kind[] kinds) {
        int kk = sigma2.length;
        if (kk == 0) {
            throw new IllegalArgumentException("lab world has K = 0 components: give at least one prompt "
                    + "(memPrompts, nmemPrompts) or set genericComponents > 0");
        }
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("lab world image shape " + channels + "x" + height + "x" + width
                    + " has an empty dimension");
        }
        if (!(beta >= 0) || !Double.isFinite(beta)) {
            throw new IllegalArgumentException("lab world: beta must be finite and >= 0, got " + beta);
        }
        int d = channels * height * width;
        if (mu.length != (long) kk * d || counts.length != kk || captions.size() != kk || kinds.length != kk
                || emb.length % kk != 0 || emb.length == 0) {
            throw new IllegalArgumentException("lab world arrays disagree on K = " + kk + " (mu " + mu.length
                    + " floats for D = " + d + ", counts " + counts.length + ", emb " + emb.length + ", captions "
                    + captions.size() + ")");
        }
        for (int c = 0; c < kk; c++) {
            String who = "component " + c + " ('" + captions.get(c) + "')";
            if (!(sigma2[c] > 0) || !Double.isFinite(sigma2[c])) {
                throw new IllegalArgumentException(who + ": variance sigma2 must be finite and > 0, got " + sigma2[c]);
            }
            if (!(counts[c] > 0) || !Double.isFinite(counts[c])) {
                throw new IllegalArgumentException(who + ": count must be finite and > 0, got " + counts[c]);
            }
            for (int i = c * d; i < (c + 1) * d; i++) {
                if (!Float.isFinite(mu[i])) {
                    throw new IllegalArgumentException(who + ": mean holds " + mu[i] + " at element " + (i - c * d));
                }
            }
        }
        int ee = emb.length / kk;
        for (int i = 0; i < emb.length; i++) {
            if (!Float.isFinite(emb[i])) {
                throw new IllegalArgumentException("component " + (i / ee) + ": key embedding holds " + emb[i]);
            }
        }
        this.config = config;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.k = kk;
        this.e = ee;
        this.beta = beta;
        this.mu = mu;
        this.sigma2 = sigma2;
        this.counts = counts;
        this.emb = emb;
        this.captions = List.copyOf(captions);
        this.kinds = kinds.clone();
        // Worlds built from explicit parts without a config (imports) use the plain marginal prior (w = 1).
        this.uncondMemLogWeight = config == null ? 0 : Math.log(config.getDouble("uncondMemWeight"));
    }

    /** Builds the world a config describes, reading its prompt files. */
    public static LabWorld build(LabConfig config) throws IOException {
        List<String> mem = limit(PromptFiles.read(PromptFiles.locateShared(config.getString("memPrompts"))),
                config.getInt("memLimit"));
        List<String> nmem = limit(PromptFiles.read(PromptFiles.locateShared(config.getString("nmemPrompts"))),
                config.getInt("nmemLimit"));
        return build(config, mem, nmem);
    }

    private static List<String> limit(List<String> list, int n) {
        return n > 0 && n < list.size() ? list.subList(0, n) : list;
    }

    /** Builds a world from given prompt lists (the config's file keys are ignored). Deterministic in the seed. */
    public static LabWorld build(LabConfig config, List<String> memPrompts, List<String> nmemPrompts) {
        return build(config, memPrompts, null, nmemPrompts);
    }

    /**
     * Builds a world whose memorized training images are each captioned several ways (MemBench: one duplicated
     * image per reference-image group, one memorized component per caption of the group). Components come in the
     * order of the groups and of the captions inside each group, then the non-memorized prompts, then the generic
     * components; the components of one group share one mean (the image), and each draws its own copy count and
     * its own key. Everything else is as in {@link #build(LabConfig, List, List)}.
     */
    public static LabWorld buildGrouped(LabConfig config, List<List<String>> memorizedGroups,
                                        List<String> nmemPrompts) {
        List<String> mem = new ArrayList<>();
        List<Integer> imageOf = new ArrayList<>();
        for (int g = 0; g < memorizedGroups.size(); g++) {
            if (memorizedGroups.get(g).isEmpty()) {
                throw new IllegalArgumentException("memorized group " + g + " has no caption");
            }
            for (String caption : memorizedGroups.get(g)) {
                mem.add(caption);
                imageOf.add(g);
            }
        }
        return build(config, mem, imageOf.stream().mapToInt(Integer::intValue).toArray(), nmemPrompts);
    }

    /** {@code memImage[i]}: which image memorized component i shows (null: each its own). */
    private static LabWorld build(LabConfig config, List<String> memPrompts, int[] memImage,
                                  List<String> nmemPrompts) {
        SplittableRandom root = new SplittableRandom(config.getLong("seed"));
        SplittableRandom rndImages = root.split();
        SplittableRandom rndCounts = root.split();
        SplittableRandom rndCaptions = root.split();
        SplittableRandom rndKeys = root.split();

        int nm = memPrompts.size();
        int nn = nmemPrompts.size();
        int ng = config.getInt("genericComponents");
        int kk = nm + nn + ng;
        if (kk == 0) {
            throw new IllegalArgumentException("config: K = 0 components (no memorized prompts, no non-memorized "
                    + "prompts, genericComponents = 0)");
        }
        List<String> captions = new ArrayList<>(kk);
        Kind[] kinds = new Kind[kk];
        captions.addAll(memPrompts);
        captions.addAll(nmemPrompts);
        captions.addAll(genericCaptions(ng, memPrompts, nmemPrompts, config.getDouble("sharedWordFraction"),
                rndCaptions));
        Arrays.fill(kinds, 0, nm, Kind.MEMORIZED);
        Arrays.fill(kinds, nm, nm + nn, Kind.NONMEMORIZED);
        Arrays.fill(kinds, nm + nn, kk, Kind.GENERIC);

        int c = config.getInt("channels");
        int h = config.getInt("height");
        int w = config.getInt("width");
        if (c < 1 || h < 1 || w < 1) {
            throw new IllegalArgumentException("config keys channels/height/width: every size must be >= 1, got "
                    + c + "x" + h + "x" + w);
        }
        int d = c * h * w;
        if ((long) kk * d > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("config: K = " + kk + " components of D = " + d
                    + " elements exceed one Java array");
        }
        // the means and the keys: the bulk of a world, allocated next
        HeapBudget.require("lab world of K = " + kk + " components x D = " + c + "x" + h + "x" + w + " (config keys "
                + "genericComponents, channels, height, width, embeddingDim)",
                4L * kk * d + 4L * kk * Math.max(0, config.getInt("embeddingDim")));
        float[] mu = new float[kk * d];
        double corr = config.getDouble("correlationLength");
        float meanScale = (float) config.getDouble("meanScale");
        // Images are drawn in component order; a memorized component that shows an image already drawn (a
        // grouped world) copies it instead of drawing, so ungrouped worlds draw exactly as before.
        int[] firstOfImage = new int[nm];
        java.util.Arrays.fill(firstOfImage, -1);
        for (int i = 0; i < kk; i++) {
            int image = memImage != null && i < nm ? memImage[i] : -1;
            if (image >= 0 && firstOfImage[image] >= 0) {
                System.arraycopy(mu, firstOfImage[image] * d, mu, i * d, d);
                continue;
            }
            if (image >= 0) {
                firstOfImage[image] = i;
            }
            SmoothField.fill(mu, i * d, c, h, w, corr, rndImages);
            for (int j = i * d; j < (i + 1) * d; j++) {
                mu[j] *= meanScale;
            }
        }

        double[] sigma2 = new double[kk];
        double[] counts = new double[kk];
        double cap = config.getDouble("duplicateMax");
        for (int i = 0; i < kk; i++) {
            double scale;
            double alpha;
            switch (kinds[i]) {
                case MEMORIZED -> {
                    sigma2[i] = config.getDouble("memSigma2");
                    scale = config.getDouble("duplicateMin");
                    alpha = config.getDouble("duplicateAlpha");
                }
                case NONMEMORIZED -> {
                    sigma2[i] = config.getDouble("broadSigma2");
                    scale = config.getDouble("broadCountMin");
                    alpha = config.getDouble("broadCountAlpha");
                }
                default -> {
                    sigma2[i] = config.getDouble("broadSigma2");
                    scale = config.getDouble("genericCountMin");
                    alpha = config.getDouble("broadCountAlpha");
                }
            }
            // Pareto(scale, alpha) by inversion, rounded to whole copies: the heavy tail of web-scale duplication.
            double u = 1.0 - rndCounts.nextDouble();
            counts[i] = Math.max(1.0, Math.min(cap, Math.rint(scale * Math.pow(u, -1.0 / alpha))));
        }

        int ee = config.getInt("embeddingDim");
        TextEncoder enc = new TextEncoder(ee);
        float[] emb = new float[kk * ee];
        double noise = config.getDouble("embeddingNoise");
        for (int i = 0; i < kk; i++) {
            float[] base = enc.encode(captions.get(i));
            double[] g = new double[ee];
            double gn = 0;
            for (int j = 0; j < ee; j++) {
                g[j] = SmoothField.gaussian(rndKeys);
                gn += g[j] * g[j];
            }
            gn = Math.sqrt(gn);
            // A caption without words has no text key: its key is the noise direction alone (a unit vector).
            double amp = base == null ? 1.0 : noise;
            double[] v = new double[ee];
            double vn = 0;
            for (int j = 0; j < ee; j++) {
                v[j] = (base == null ? 0 : base[j]) + amp * g[j] / gn;
                vn += v[j] * v[j];
            }
            vn = Math.sqrt(vn);
            for (int j = 0; j < ee; j++) {
                emb[i * ee + j] = (float) (v[j] / vn);
            }
        }
        return new LabWorld(config, c, h, w, config.getDouble("beta"), mu, sigma2, counts, emb, captions, kinds);
    }

    /** Captions of 4 to 9 words, each drawn from memorized captions' words with the given probability. */
    private static List<String> genericCaptions(int n, List<String> mem, List<String> nmem, double shared,
                                                SplittableRandom rnd) {
        List<String> memWords = vocabulary(mem);
        List<String> nmemWords = vocabulary(nmem);
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int len = 4 + rnd.nextInt(6);
            StringBuilder sb = new StringBuilder();
            for (int j = 0; j < len; j++) {
                boolean fromMem = rnd.nextDouble() < shared;
                List<String> src = fromMem && !memWords.isEmpty() ? memWords
                        : !nmemWords.isEmpty() ? nmemWords : memWords;
                String word = src.isEmpty() ? "thing" + rnd.nextInt(1000) : src.get(rnd.nextInt(src.size()));
                sb.append(j == 0 ? "" : " ").append(word);
            }
            out.add(sb.toString());
        }
        return out;
    }

    private static List<String> vocabulary(List<String> prompts) {
        LinkedHashSet<String> v = new LinkedHashSet<>();
        for (String p : prompts) {
            v.addAll(TextEncoder.words(p));
        }
        return new ArrayList<>(v);
    }

    // ---- exact float64 reference ------------------------------------------------------------------------------

    /**
     * Unnormalized log mixture weights {@code log n_k + beta <c, e_k>}; null condition: {@code log n_k}, plus
     * {@code log uncondMemWeight} for memorized components.
     */
    public double[] logPrior(Condition c) {
        double[] lp = new double[k];
        float[] ce = c.isNull() ? null : c.embedding();
        if (ce != null && ce.length != e) {
            throw new IllegalArgumentException("condition " + c + " has an embedding of " + ce.length
                    + " dimensions; this lab world's keys have E = " + e);
        }
        for (int i = 0; i < k; i++) {
            double dot = 0;
            if (ce != null) {
                for (int j = 0; j < e; j++) {
                    dot += (double) ce[j] * emb[i * e + j];
                }
            }
            lp[i] = Math.log(counts[i]) + beta * dot;
            if (ce == null && kinds[i] == Kind.MEMORIZED) {
                lp[i] += uncondMemLogWeight;
            }
        }
        return lp;
    }

    /**
     * The exact log-density {@code log p_t(x | c)} of the noised data at noise level abar, computed directly in
     * float64 (no GEMM, no screening): the oracle of the exactness tests.
     * {@code p_t(x|c) = sum_k pi_k(c) N(x; sqrt(abar) mu_k, (abar sigma2_k + 1 - abar) I)}.
     */
    public double logDensity(double[] x, double abar, Condition c) {
        int d = dim();
        double[] lp = logPrior(c);
        double z = logSumExp(lp);
        double s = Math.sqrt(abar);
        double[] terms = new double[k];
        for (int i = 0; i < k; i++) {
            double v = abar * sigma2[i] + (1 - abar);
            double d2 = 0;
            for (int j = 0; j < d; j++) {
                double r = x[j] - s * mu[i * d + j];
                d2 += r * r;
            }
            terms[i] = lp[i] - z - 0.5 * d * Math.log(2 * Math.PI * v) - d2 / (2 * v);
        }
        return logSumExp(terms);
    }

    static double logSumExp(double[] a) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : a) {
            m = Math.max(m, v);
        }
        if (m == Double.NEGATIVE_INFINITY) {
            return m;
        }
        double s = 0;
        for (double v : a) {
            s += Math.exp(v - m);
        }
        return m + Math.log(s);
    }

    // ---- accessors ----------------------------------------------------------------------------------------------

    public LabConfig config() {
        return config;
    }

    public int channels() {
        return channels;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** D = C*H*W. */
    public int dim() {
        return channels * height * width;
    }

    public int components() {
        return k;
    }

    public int embeddingDim() {
        return e;
    }

    public double beta() {
        return beta;
    }

    /** The factor on a memorized component's count in the unconditional prior ({@code uncondMemWeight}). */
    public double uncondMemWeight() {
        return Math.exp(uncondMemLogWeight);
    }

    public float[] mu() {
        return mu;
    }

    public double[] sigma2() {
        return sigma2;
    }

    public double[] counts() {
        return counts;
    }

    public float[] emb() {
        return emb;
    }

    public List<String> captions() {
        return captions;
    }

    public Kind kind(int component) {
        return kinds[component];
    }

    /** Component indices of a kind, in order. */
    public int[] indicesOf(Kind kind) {
        return java.util.stream.IntStream.range(0, k).filter(i -> kinds[i] == kind).toArray();
    }

    /** A copy of component k's mean as a float array of D elements. */
    public float[] mean(int component) {
        int d = dim();
        return Arrays.copyOfRange(mu, component * d, (component + 1) * d);
    }
}
