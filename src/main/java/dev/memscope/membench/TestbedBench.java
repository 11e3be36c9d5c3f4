package dev.memscope.membench;

import dev.memscope.detect.CountingVjpDenoiser;
import dev.memscope.diffusion.DdimSampler;
import dev.memscope.eval.imagespace.MetricModels;
import dev.memscope.eval.membench.FrechetDistance;
import dev.memscope.eval.membench.TriggerCopying;
import dev.memscope.kernels.ScoreKernels;
import dev.memscope.mitigate.Mitigation;
import dev.memscope.mitigate.MitigationContext;
import dev.memscope.mitigate.Mitigations;
import dev.memscope.mitigate.TrainingImages;
import dev.memscope.mitigate.WenEmbeddingOptimization;
import dev.memscope.model.Denoiser;
import dev.memscope.progress.Progress;
import dev.memscope.copy.NormalisedRmsDistance;
import dev.memscope.source.TestbedImages;
import dev.memscope.tensor.TensorF32;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * MemBench on the learned testbed, scored in image space (docs/membench.md, "On the testbed"). Trigger prompts are
 * memorized captions, each with its training image as the reference; general prompts are captions never trained
 * on. Every method samples the same initial noise ({@link MemBenchRun#seed}) with the same DDIM sampler.
 *
 * <p>Scores per method: MemBench's copying metrics (max, top-3 mean, share above the copy threshold; per trigger
 * prompt, then the mean) on the copy-detection embedding; the testbed's own copy rule (colour-normalised RMS
 * distance to the reference below TAU, labels.py) as an added column; CLIP score (cosine of the miniature CLIP's
 * image and prompt embeddings, mean over general images) and the Frechet distance of the general images' CLIP image
 * features to those of {@link #FRECHET_REFERENCE} real training images (seeded pick).
 */
public final class TestbedBench {
    private static final NormalisedRmsDistance COPY_DISTANCE = new NormalisedRmsDistance(3);

    /**
     * A trigger prompt and the index of its training image in {@link TestbedImages#training()}; {@code variant}: a
     * word-level variant of a memorized caption (models/testbed/triggers/), whose reference is its source's image.
     */
    public record Trigger(String prompt, int reference, boolean variant) {
        /** A memorized caption itself. */
        public Trigger(String prompt, int reference) {
            this(prompt, reference, false);
        }
    }

    /** One method's scores. */
    public record MethodResult(String method, TriggerCopying trigger, List<TriggerCopying> perPrompt,
                               double rmsCopyShare, double clipScore, double frechet, double seconds,
                               long forwardPasses, long samples, Map<String, Double> statistics) {
    }

    public static final int FRECHET_REFERENCE = 1000;
    /**
     * Wen's per-image target norm on the testbed, by the rule that gives the lab's 1.47: the median
     * {@code ||eps_c - eps_u||} at t = 981 of the non-memorized prompts, here the 24 of
     * models/testbed/reference/reference_scores.json ({@code wen_first}: median 0.2625; memorized median 1.2588;
     * data recipe 3 at 5,000 steps, 2026-12-05; at 4,000 steps 0.24, recipe 1's model 0.61).
     */
    public static final double WEN_TARGET = 0.26;
    /**
     * SAIL's loss threshold on the testbed, by the rule that gives the lab's 4.68: the median loss at the runner's own
     * x_T of general prompts (here the first 100 of the seeded held-out + novel order, 3 images each: median 1.6959,
     * range 1.45-3.11; {@link #sailLosses}; measured 2026-12-05 on data recipe 3's 5,000-step model; at 4,000 steps
     * 1.65, recipe 1's gave 2.13; see docs/mitigation.md). The authors' 8.2 is on SD's latent scale.
     */
    public static final double SAIL_THRESHOLD = 1.70;
    static final long FRECHET_SEED = 0x46444944L;
    private static final long TRIGGER = 1;
    private static final long GENERAL = 2;

    /** The model behind a pass counter that keeps its VJP capabilities (Wen, SAIL) visible. */
    private final Denoiser model;
    private final ScoreKernels kernels;
    private final MemBenchRun.Settings settings;
    private final TestbedImages images;
    private final MetricModels metrics;
    private final double tau;
    private final TrainingImages training;
    private final List<String> vocabulary;
    private final double[][] referenceFeatures;

    /** {@code tau}: the testbed's copy threshold on the colour-normalised RMS distance (ground_truth.json). */
    public TestbedBench(Denoiser model, ScoreKernels kernels, MemBenchRun.Settings settings, TestbedImages images,
                        MetricModels metrics, double tau) {
        int d = model.channels() * model.height() * model.width();
        if (d != images.dim()) {
            throw new IllegalArgumentException("membench testbed: the model's images have " + d + " values, the "
                    + "testbed's real images " + images.dim());
        }
        if (!(tau > 0) || !Double.isFinite(tau)) {
            throw new IllegalArgumentException("membench testbed: TAU must be finite and > 0, got " + tau);
        }
        this.model = CountingVjpDenoiser.counting(model);
        this.kernels = kernels;
        this.settings = settings;
        this.images = images;
        this.metrics = metrics;
        this.tau = tau;
        this.training = images.trainingImages();
        LinkedHashSet<String> vocab = new LinkedHashSet<>();
        for (String c : images.trainCaptions()) {
            vocab.addAll(Arrays.asList(c.strip().split("\\s+")));
        }
        this.vocabulary = List.copyOf(vocab);
        this.referenceFeatures = referenceFeatures();
    }

    /** CLIP image features of a seeded pick of real training images: the Frechet distance's reference set. */
    private double[][] referenceFeatures() {
        int n = images.trainingCount();
        int k = Math.min(FRECHET_REFERENCE, n);
        int[] order = new java.util.Random(FRECHET_SEED).ints(0, n).distinct().limit(k).toArray();
        int d = images.dim();
        float[] pick = new float[k * d];
        for (int i = 0; i < k; i++) {
            System.arraycopy(images.training(), order[i] * d, pick, i * d, d);
        }
        return toDouble(metrics.clipImageEmbeddings(pick, k));
    }

    public MitigationContext context() {
        return new MitigationContext(model, kernels, training, vocabulary, settings.guidance(), settings.steps());
    }

    /**
     * SAIL's loss (its {@code loss}, the authors' form) at the x_T this runner samples general prompt i's image j
     * from, for every (prompt, image): what {@link #SAIL_THRESHOLD} is the median of.
     */
    public static double[] sailLosses(Denoiser model, ScoreKernels kernels, List<String> general, int images) {
        var sail = new dev.memscope.mitigate.SailInitialNoiseOptimization(
                new MitigationContext(model, kernels, null, List.of(), 7.5, 50));
        double[] out = new double[general.size() * images];
        for (int p = 0; p < general.size(); p++) {
            long[] seeds = new long[images];
            for (int j = 0; j < images; j++) {
                seeds[j] = MemBenchRun.seed(GENERAL, p, j);
            }
            TensorF32 xT = DdimSampler.initialNoise(model.channels(), model.height(), model.width(), seeds);
            System.arraycopy(sail.loss(general.get(p), xT), 0, out, p * images, images);
        }
        return out;
    }

    public long samplesPerMethod(List<Trigger> triggers, List<String> general) {
        return (long) settings.images() * (triggers.size() + general.size());
    }

    /** Runs one method over the triggers and general prompts; progress advances by one per sample. */
    public MethodResult run(String method, List<Trigger> triggers, List<String> general, Progress progress) {
        if (triggers.isEmpty() || general.isEmpty()) {
            throw new IllegalArgumentException("membench testbed: need trigger and general prompts, got "
                    + triggers.size() + " and " + general.size());
        }
        int n = settings.images();
        if (general.size() * n < 2) {
            throw new IllegalArgumentException("membench: the Frechet distance needs at least 2 general samples");
        }
        Mitigation m = method.equals("wen") ? new WenEmbeddingOptimization(context(), WEN_TARGET,
                WenEmbeddingOptimization.DEFAULT_MAX_STEPS) : Mitigations.create(method, context(), settings.amg(),
                settings.sail());
        int d = images.dim();
        int total = (triggers.size() + general.size()) * n;
        float[] all = new float[total * d];
        long passes0 = CountingVjpDenoiser.passes(model);
        long t0 = System.nanoTime();
        DdimSampler sampler = new DdimSampler(model, kernels);
        for (int start = 0; start < total; start += settings.batch()) {
            int b = Math.min(settings.batch(), total - start);
            String[] prompts = new String[b];
            long[] seeds = new long[b];
            for (int s = 0; s < b; s++) {
                int prompt = (start + s) / n;
                int image = (start + s) % n;
                boolean trigger = prompt < triggers.size();
                prompts[s] = trigger ? triggers.get(prompt).prompt() : general.get(prompt - triggers.size());
                seeds[s] = trigger ? MemBenchRun.seed(TRIGGER, prompt, image)
                        : MemBenchRun.seed(GENERAL, prompt - triggers.size(), image);
            }
            TensorF32 xT = DdimSampler.initialNoise(model.channels(), model.height(), model.width(), seeds);
            Mitigation.Plan plan = m.plan(prompts, seeds, xT);
            TensorF32 x0 = sampler.sample(plan.noise(xT), plan.conditions(), settings.guidance(), settings.steps(), plan.hook());
            float[] data = x0.data();
            for (int s = 0; s < b; s++) {
                for (int i = 0; i < d; i++) {
                    if (!Float.isFinite(data[s * d + i])) {
                        throw new IllegalStateException("membench testbed: method " + method + " produced "
                                + data[s * d + i] + " at element " + i + " of image " + ((start + s) % n)
                                + " of prompt '" + prompts[s] + "'");
                    }
                }
            }
            System.arraycopy(data, 0, all, start * d, b * d);
            progress.advance(b);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long passes = CountingVjpDenoiser.passes(model) - passes0;
        return score(m, triggers, general, all, seconds, passes);
    }

    private MethodResult score(Mitigation m, List<Trigger> triggers, List<String> general, float[] all,
                               double seconds, long passes) {
        int n = settings.images();
        int d = images.dim();
        int nt = triggers.size() * n;
        float[] trig = Arrays.copyOfRange(all, 0, nt * d);
        float[][] copyEmb = metrics.copyEmbeddings(trig, nt);
        float[] refs = new float[triggers.size() * d];
        for (int i = 0; i < triggers.size(); i++) {
            System.arraycopy(images.training(), triggers.get(i).reference() * d, refs, i * d, d);
        }
        float[][] refEmb = metrics.copyEmbeddings(refs, triggers.size());
        List<TriggerCopying> perPrompt = new ArrayList<>();
        int rmsCopies = 0;
        for (int p = 0; p < triggers.size(); p++) {
            double[] sims = new double[n];
            for (int j = 0; j < n; j++) {
                sims[j] = MetricModels.similarity(copyEmb[p * n + j], refEmb[p]);
                if (COPY_DISTANCE.between(Arrays.copyOfRange(trig, (p * n + j) * d, (p * n + j + 1) * d),
                        Arrays.copyOfRange(refs, p * d, (p + 1) * d)) < tau) {
                    rmsCopies++;
                }
            }
            perPrompt.add(TriggerCopying.ofSimilarities(sims, metrics.copyThreshold()));
        }
        int ng = general.size() * n;
        float[] gen = Arrays.copyOfRange(all, nt * d, (nt + ng) * d);
        float[][] imgEmb = metrics.clipImageEmbeddings(gen, ng);
        float[][] txtEmb = metrics.clipTextEmbeddings(general);
        double clip = 0;
        for (int i = 0; i < ng; i++) {
            clip += MetricModels.similarity(imgEmb[i], txtEmb[i / n]);
        }
        double frechet = FrechetDistance.of(toDouble(imgEmb), referenceFeatures);
        return new MethodResult(m.name(), TriggerCopying.mean(perPrompt), perPrompt, (double) rmsCopies / nt,
                clip / ng, frechet, seconds, passes, (long) (triggers.size() + general.size()) * n, m.statistics());
    }

    /** What the real held-out images score on the utility metrics with their own captions: a ceiling of sorts. */
    public double[] realHeldoutUtility(List<String> heldoutCaptions) {
        int m = images.heldoutItem().length;
        if (heldoutCaptions.size() != m) {
            throw new IllegalArgumentException("membench testbed: " + heldoutCaptions.size() + " captions for " + m
                    + " held-out images");
        }
        float[][] img = metrics.clipImageEmbeddings(images.heldout(), m);
        float[][] txt = metrics.clipTextEmbeddings(heldoutCaptions);
        double clip = 0;
        for (int i = 0; i < m; i++) {
            clip += MetricModels.similarity(img[i], txt[i]);
        }
        return new double[] {clip / m, FrechetDistance.of(toDouble(img), referenceFeatures)};
    }

    private static double[][] toDouble(float[][] x) {
        double[][] out = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            out[i] = new double[x[i].length];
            for (int j = 0; j < x[i].length; j++) {
                out[i][j] = x[i][j];
            }
        }
        return out;
    }
}
