package dev.memscope.membench;

import dev.memscope.detect.CountingDifferentiableDenoiser;
import dev.memscope.diffusion.DdimSampler;
import dev.memscope.eval.membench.Cosine;
import dev.memscope.eval.membench.FrechetDistance;
import dev.memscope.eval.membench.PooledFeatures;
import dev.memscope.eval.membench.TriggerCopying;
import dev.memscope.kernels.ScoreKernels;
import dev.memscope.mitigate.Mitigation;
import dev.memscope.mitigate.MitigationContext;
import dev.memscope.mitigate.Mitigations;
import dev.memscope.mitigate.SailInitialNoiseOptimization;
import dev.memscope.mitigate.TrainingImages;
import dev.memscope.model.lab.ExactMixture;
import dev.memscope.model.lab.LabDenoiser;
import dev.memscope.model.lab.LabWorld;
import dev.memscope.model.lab.TextEncoder;
import dev.memscope.progress.Progress;
import dev.memscope.tensor.TensorF32;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Samples MemBench's trigger and general prompts under each mitigation and scores them. Every method sees the same
 * initial noise: sample j of prompt i starts from {@link DdimSampler#initialNoise} with seed
 * {@link #seed}(kind, i, j), and is sampled by {@code DdimSampler.sample(plan.noise(xT), plan.conditions(), guidance,
 * steps, plan.hook())} (SAIL alone replaces that noise). Samples are scored batch by batch (only similarities and
 * pooled features are kept), so memory does not grow with the number of images.
 */
public final class MemBenchRun {
    /** A trigger prompt and the reference-image group it should (not) reproduce. */
    public record Trigger(String prompt, int group) {
    }

    /**
     * The run's settings; {@code amg} is the AMG form used when the method list has amg, {@code sail} SAIL's
     * settings when it has sail.
     */
    public record Settings(int images, int steps, double guidance, int batch,
                           dev.memscope.mitigate.AmgConfig amg, SailInitialNoiseOptimization.Config sail) {
        /** AMG in the authors' form ({@link dev.memscope.mitigate.AmgConfig#sdCode()}), SAIL's defaults. */
        public Settings(int images, int steps, double guidance, int batch) {
            this(images, steps, guidance, batch, dev.memscope.mitigate.AmgConfig.sdCode());
        }

        /** SAIL's defaults ({@link SailInitialNoiseOptimization.Config#defaults()}). */
        public Settings(int images, int steps, double guidance, int batch, dev.memscope.mitigate.AmgConfig amg) {
            this(images, steps, guidance, batch, amg, SailInitialNoiseOptimization.Config.defaults());
        }

        public Settings {
            if (amg == null || sail == null) {
                throw new IllegalArgumentException("membench: amg or sail config is null");
            }
            if (images < 1) {
                throw new IllegalArgumentException("membench: images per prompt must be >= 1, got " + images);
            }
            if (steps < 1) {
                throw new IllegalArgumentException("membench: steps must be >= 1, got " + steps);
            }
            if (batch < 1) {
                throw new IllegalArgumentException("membench: batch must be >= 1, got " + batch);
            }
            if (!(guidance > 1) || !Double.isFinite(guidance)) {
                throw new IllegalArgumentException("membench: guidance must be finite and > 1, got " + guidance);
            }
        }
    }

    /** One method's scores: MemBench's trigger metrics (means over prompts) and the general-prompt utility. */
    public record MethodResult(String method, TriggerCopying trigger, List<TriggerCopying> perPrompt,
                               double alignment, double frechet, double seconds, long forwardPasses,
                               long samples, Map<String, Double> statistics) {
    }

    private static final long TRIGGER = 1;
    private static final long GENERAL = 2;
    private static final long REFERENCE = 3;
    private static final long EXACT_AGAIN = 4;
    private static final long TRAINING = 5;

    private final MemBenchLab lab;
    /** The lab model behind a pass counter: every method's passes are read from it. */
    private final CountingDifferentiableDenoiser model;
    private final ScoreKernels kernels;
    private final Settings settings;
    private final TrainingImages training;
    private final List<String> vocabulary;
    private List<String> cachedGeneral;
    private double[][] cachedReference;

    public MemBenchRun(MemBenchLab lab, LabDenoiser model, ScoreKernels kernels, Settings settings) {
        if (model.world() != lab.world()) {
            throw new IllegalArgumentException("membench: the model samples a different world than the lab's");
        }
        this.lab = lab;
        this.model = new CountingDifferentiableDenoiser(model);
        this.kernels = kernels;
        this.settings = settings;
        LabWorld w = lab.world();
        this.training = trainingImages(w);
        LinkedHashSet<String> vocab = new LinkedHashSet<>();
        for (String c : w.captions()) {
            vocab.addAll(TextEncoder.words(c));
        }
        this.vocabulary = List.copyOf(vocab);
    }

    /**
     * The training set AMG searches, one image per component: a memorized component is one duplicated image (its
     * mean); a broad component is a cluster of many different training images, represented by one exact draw of
     * it (seeded by the component index). Its mean is no training image: a sample of the cluster sits at cosine
     * ~0.3 from the mean (the mean carries 0.09 of the per-element variance, the cluster noise 0.9), inside AMG's
     * threshold band 0.3..0.4, while its cosine to another image of the cluster is ~0.1, like an SSCD score between
     * unrelated images.
     */
    public static TrainingImages trainingImages(LabWorld w) {
        int d = w.dim();
        float[] images = new float[w.components() * d];
        ExactMixture exact = new ExactMixture(w);
        for (int k = 0; k < w.components(); k++) {
            if (w.kind(k) == LabWorld.Kind.MEMORIZED) {
                System.arraycopy(w.mu(), k * d, images, k * d, d);
            } else {
                exact.drawComponent(k, seed(TRAINING, k, 0), images, k * d);
            }
        }
        int[] copies = new int[w.components()];
        double[] counts = w.counts();
        for (int k = 0; k < copies.length; k++) {
            // a memorized component is one image seen counts[k] times; any other, one drawn image seen once
            copies[k] = w.kind(k) == LabWorld.Kind.MEMORIZED ? (int) Math.max(1, Math.round(counts[k])) : 1;
        }
        return new TrainingImages(images, d, w.captions(), copies, w.captions().stream().map(List::of).toList());
    }

    /** The context every mitigation is built with: the world's means and captions, all caption words. */
    public MitigationContext context() {
        return new MitigationContext(model, kernels, training, vocabulary, settings.guidance(), settings.steps());
    }

    /** Seed of image j of prompt i of a kind (trigger, general, exact reference): SplitMix64 of the three. */
    static long seed(long kind, long prompt, long image) {
        long z = kind * 0x9E3779B97F4A7C15L + prompt * 0xBF58476D1CE4E5B9L + image * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Samples in one method's run: images per prompt times (triggers + general prompts). */
    public long samplesPerMethod(List<Trigger> triggers, List<String> general) {
        return (long) settings.images() * (triggers.size() + general.size());
    }

    /**
     * Samples a few latents untimed with plain guidance, so that the first method's time measures compiled code
     * rather than the JIT warming up (the first timed method was 2.5x slower than an identical second one).
     */
    public void warmUp(String prompt) {
        int b = Math.min(settings.batch(), 8);
        long[] seeds = new long[b];
        dev.memscope.model.Condition[] c = new dev.memscope.model.Condition[b];
        for (int i = 0; i < b; i++) {
            seeds[i] = seed(0, 0, i);
            c[i] = model.condition(prompt);
        }
        LabWorld w = lab.world();
        new DdimSampler(model, kernels).sample(DdimSampler.initialNoise(w.channels(), w.height(), w.width(), seeds),
                c, settings.guidance(), settings.steps(), dev.memscope.diffusion.StepHook.NONE);
    }

    /** Runs one method. {@code progress} advances by one per sample (not started or finished here). */
    public MethodResult run(String method, List<Trigger> triggers, List<String> general, Progress progress) {
        if (triggers.isEmpty()) {
            throw new IllegalArgumentException("membench: no trigger prompts");
        }
        if (general.size() < 2 && settings.images() < 2) {
            throw new IllegalArgumentException("membench: the Frechet distance needs at least 2 general samples");
        }
        for (Trigger t : triggers) {
            if (t.group() < 0 || t.group() >= lab.groups().size()) {
                throw new IllegalArgumentException("membench: trigger '" + t.prompt() + "' names group " + t.group()
                        + " of " + lab.groups().size());
            }
        }
        Mitigation m = Mitigations.create(method, context(), settings.amg(), settings.sail());
        LabWorld w = lab.world();
        int d = w.dim();
        int n = settings.images();
        ExactMixture exact = new ExactMixture(w);
        double[][] simsByPrompt = new double[triggers.size()][n];
        double[][] genFeatures = new double[general.size() * n][];
        double[] alignments = new double[general.size() * n];
        double[][] conditionalMeans = new double[general.size()][];
        for (int g = 0; g < general.size(); g++) {
            conditionalMeans[g] = exact.mean(model.condition(general.get(g)));
        }
        float[][] references = new float[lab.groups().size()][];

        int total = (triggers.size() + general.size()) * n;
        long passes0 = model.passes();
        long t0 = System.nanoTime();
        DdimSampler sampler = new DdimSampler(model, kernels);
        for (int start = 0; start < total; start += settings.batch()) {
            int b = Math.min(settings.batch(), total - start);
            String[] prompts = new String[b];
            long[] seeds = new long[b];
            for (int s = 0; s < b; s++) {
                int idx = start + s;
                int prompt = idx / n;
                int image = idx % n;
                boolean trigger = prompt < triggers.size();
                prompts[s] = trigger ? triggers.get(prompt).prompt() : general.get(prompt - triggers.size());
                seeds[s] = trigger ? seed(TRIGGER, prompt, image) : seed(GENERAL, prompt - triggers.size(), image);
            }
            TensorF32 xT = DdimSampler.initialNoise(w.channels(), w.height(), w.width(), seeds);
            Mitigation.Plan plan = m.plan(prompts, seeds, xT);
            TensorF32 x0 = sampler.sample(plan.noise(xT), plan.conditions(), settings.guidance(), settings.steps(), plan.hook());
            float[] data = x0.data();
            for (int s = 0; s < b; s++) {
                int idx = start + s;
                int prompt = idx / n;
                int image = idx % n;
                requireFinite(data, s * d, d, method, prompts[s], image);
                if (prompt < triggers.size()) {
                    int group = triggers.get(prompt).group();
                    if (references[group] == null) {
                        references[group] = lab.reference(group);
                    }
                    simsByPrompt[prompt][image] = Cosine.of(data, s * d, references[group], 0, d);
                } else {
                    int g = prompt - triggers.size();
                    alignments[g * n + image] = Cosine.of(data, s * d, conditionalMeans[g], d);
                    genFeatures[g * n + image] = PooledFeatures.of(java.util.Arrays.copyOfRange(data, s * d,
                            (s + 1) * d), 1, w.channels(), w.height(), w.width(), PooledFeatures.DEFAULT_GRID)[0];
                }
            }
            progress.advance(b);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long passes = model.passes() - passes0;

        List<TriggerCopying> perPrompt = new ArrayList<>();
        for (double[] sims : simsByPrompt) {
            perPrompt.add(TriggerCopying.ofSimilarities(sims));
        }
        double alignment = 0;
        for (double a : alignments) {
            alignment += a;
        }
        alignment /= alignments.length;
        double frechet = FrechetDistance.of(genFeatures, referenceFeatures(exact, general));
        return new MethodResult(m.name(), TriggerCopying.mean(perPrompt), perPrompt, alignment, frechet, seconds,
                passes, total, m.statistics());
    }

    /** What exact sampling of p(x0 | c) scores: the ceiling of alignment and the floor of the Frechet distance. */
    public record Reference(double alignment, double frechet) {
    }

    /**
     * Scores a second, independent set of exact draws (seed kind 4) like a method's general samples: its mean
     * alignment with E[x0 | c] and its Frechet distance to the reference draws. A method can only match these up to
     * sampling noise; they put the table's utility columns on a scale.
     */
    public Reference exactReference(List<String> general) {
        LabWorld w = lab.world();
        int d = w.dim();
        int n = settings.images();
        ExactMixture exact = new ExactMixture(w);
        double[][] f = new double[general.size() * n][];
        float[] buf = new float[n * d];
        double align = 0;
        for (int g = 0; g < general.size(); g++) {
            dev.memscope.model.Condition c = model.condition(general.get(g));
            double[] mean = exact.mean(c);
            exact.sample(c, seed(EXACT_AGAIN, g, 0), n, buf, 0);
            for (int j = 0; j < n; j++) {
                align += Cosine.of(buf, j * d, mean, d);
            }
            System.arraycopy(PooledFeatures.of(buf, n, w.channels(), w.height(), w.width(),
                    PooledFeatures.DEFAULT_GRID), 0, f, g * n, n);
        }
        return new Reference(align / (general.size() * n), FrechetDistance.of(f, referenceFeatures(exact, general)));
    }

    /**
     * Pooled features of exact draws from p(x0 | c), images-per-prompt of them for every general prompt (prompt g's
     * draws come from seed(reference, g, 0)); computed once per prompt list, every method is compared with them.
     */
    synchronized double[][] referenceFeatures(ExactMixture exact, List<String> general) {
        if (general.equals(cachedGeneral)) {
            return cachedReference;
        }
        LabWorld w = lab.world();
        int d = w.dim();
        int n = settings.images();
        double[][] out = new double[general.size() * n][];
        float[] buf = new float[n * d];
        for (int g = 0; g < general.size(); g++) {
            exact.sample(model.condition(general.get(g)), seed(REFERENCE, g, 0), n, buf, 0);
            double[][] f = PooledFeatures.of(buf, n, w.channels(), w.height(), w.width(), PooledFeatures.DEFAULT_GRID);
            System.arraycopy(f, 0, out, g * n, n);
        }
        cachedGeneral = List.copyOf(general);
        cachedReference = out;
        return out;
    }

    private static void requireFinite(float[] x, int off, int d, String method, String prompt, int image) {
        for (int i = off; i < off + d; i++) {
            if (!Float.isFinite(x[i])) {
                throw new IllegalStateException("membench: method " + method + " produced " + x[i] + " at element "
                        + (i - off) + " of image " + image + " of prompt '" + prompt + "'");
            }
        }
    }
}
