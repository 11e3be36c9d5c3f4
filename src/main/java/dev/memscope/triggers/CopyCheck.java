package dev.memscope.triggers;

import dev.memscope.cluster.Dbscan;
import dev.memscope.copy.CopyJudge;
import dev.memscope.copy.CopyVerdict;
import dev.memscope.copy.ImageDistance;
import dev.memscope.diffusion.DdimSampler;
import dev.memscope.kernels.ScoreKernels;
import dev.memscope.model.Condition;
import dev.memscope.model.Denoiser;
import dev.memscope.tensor.TensorF32;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * The last step of Algorithm 1: generate a found prompt G times (DDIM, 50 steps, guidance 7.5, seeds
 * {@code seed + g}), cluster the generations with DBSCAN (min 3) on a pluggable distance, and say which training
 * images the prompt copies. MemBench clusters on 1 - cosine of SSCD copy embeddings (eps 0.5); search-triggers does
 * the same with the testbed's copy embedding ({@link dev.memscope.copy.EmbeddingDistance}), or, where a model has
 * none, with the testbed's own measure, the colour-normalised RMS distance, at eps = TAU (two copies of one image
 * each lie within TAU of it, so within 2 TAU of each other: eps = TAU is the conservative
 * half). A cluster copies training image X when most of its members are copies (distance < TAU) whose nearest
 * training image is X.
 */
public final class CopyCheck {
    public static final int DEFAULT_GENERATIONS = 50;
    public static final int MIN_SAMPLES = 3;
    public static final long DEFAULT_SEED = 777000;

    /** One cluster: its size and the training image it copies (-1: none), with that image's item id. */
    public record Cluster(int size, int copiesImage, int copiesItem) {
    }

    /** The verdict on one prompt. */
    public record Result(String prompt, int generations, int copies, double copyRate, List<Cluster> clusters,
                         List<Integer> copiedItems, long passes) {
        /** The labels' rule (a caption is memorized when at least half its generations copy), on G generations. */
        public boolean copiesTraining() {
            return copyRate >= 0.5;
        }
    }

    private final Denoiser model;
    private final ScoreKernels kernels;
    private final CopyJudge judge;
    private final ImageDistance distance;
    private final double eps;
    private final int generations;
    private final int batch;
    private final long seed;

    public CopyCheck(Denoiser model, ScoreKernels kernels, CopyJudge judge, ImageDistance distance, double eps,
                     int generations, int batch, long seed) {
        if (generations < 1 || batch < 2) {
            throw new IllegalArgumentException("copy check: need generations >= 1 and batch >= 2, got " + generations
                    + ", " + batch);
        }
        this.model = model;
        this.kernels = kernels;
        this.judge = judge;
        this.distance = distance;
        this.eps = eps;
        this.generations = generations;
        this.batch = batch;
        this.seed = seed;
    }

    /**
     * Everything a verdict depends on besides the prompt and the model: a resumed search reuses a stored check only
     * when these are equal (a run with another clustering distance must re-cluster, not reuse the old clusters). A
     * distance without a stable class name (a lambda) never matches across runs, so it is always recomputed.
     */
    public String settings() {
        return String.format(Locale.ROOT, "generations=%d seed=%d distance=%s eps=%s tau=%s", generations, seed,
                distance.getClass().getName(), Double.toString(eps), Double.toString(judge.tau()));
    }

    /** Forward passes one check costs: G generations x 50 steps x (cond + uncond). */
    public long passesPerPrompt() {
        return 2L * generations * DdimSampler.DEFAULT_STEPS;
    }

    public Result check(String prompt, LongConsumer onPasses) {
        Condition c = model.condition(prompt);
        DdimSampler sampler = new DdimSampler(model, kernels);
        int chunk = Math.max(1, batch / 2);
        List<float[]> images = new ArrayList<>();
        long passes = 0;
        for (int from = 0; from < generations; from += chunk) {
            int to = Math.min(generations, from + chunk);
            long[] seeds = new long[to - from];
            for (int g = from; g < to; g++) {
                seeds[g - from] = seed + g;
            }
            Condition[] cs = new Condition[to - from];
            Arrays.fill(cs, c);
            TensorF32 xT = DdimSampler.initialNoise(model.channels(), model.height(), model.width(), seeds);
            int pair = 2 * (to - from);
            TensorF32 x0 = sampler.sample(xT, cs, DdimSampler.DEFAULT_GUIDANCE, DdimSampler.DEFAULT_STEPS,
                    (step, t, abar, xt, eu, ec, x, guided) -> onPasses.accept(pair));
            passes += (long) pair * DdimSampler.DEFAULT_STEPS;
            int per = x0.shape().sampleSize();
            for (int i = 0; i < to - from; i++) {
                images.add(Arrays.copyOfRange(x0.data(), i * per, (i + 1) * per));
            }
        }
        return judge(prompt, images, passes);
    }

    /** Judges given generations (tests call this directly). */
    Result judge(String prompt, List<float[]> images, long passes) {
        CopyVerdict[] v = new CopyVerdict[images.size()];
        int copies = 0;
        for (int i = 0; i < v.length; i++) {
            v[i] = judge.judge(images.get(i));
            copies += v[i].copies() ? 1 : 0;
        }
        int[] labels = Dbscan.labels(images.size(), (i, j) -> distance.between(images.get(i), images.get(j)), eps,
                MIN_SAMPLES);
        List<Cluster> clusters = new ArrayList<>();
        List<Integer> items = new ArrayList<>();
        for (int k = 0; k < Dbscan.clusters(labels); k++) {
            int size = 0;
            Map<Integer, Integer> votes = new HashMap<>();
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] == k) {
                    size++;
                    if (v[i].copies()) {
                        votes.merge(v[i].nearest(), 1, Integer::sum);
                    }
                }
            }
            int image = -1;
            int item = -1;
            for (Map.Entry<Integer, Integer> e : votes.entrySet()) {
                if (2 * e.getValue() > size) {
                    image = e.getKey();
                }
            }
            if (image >= 0) {
                for (CopyVerdict x : v) {
                    if (x.nearest() == image) {
                        item = x.item();
                        break;
                    }
                }
                if (item >= 0 && !items.contains(item)) {
                    items.add(item);
                }
            }
            clusters.add(new Cluster(size, image, item));
        }
        return new Result(prompt, images.size(), copies, (double) copies / images.size(), clusters, items, passes);
    }
}
