package dev.memscope.mia;

import dev.memscope.data.PromptFiles;
import dev.memscope.detect.CountingDenoiser;
import dev.memscope.kernels.Gemms;
import dev.memscope.model.lab.LabConfig;
import dev.memscope.model.lab.LabDenoiser;
import dev.memscope.model.lab.LabWorld;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * CLiD on the lab, end to end. Two worlds of the same recipe with disjoint seeds and disjoint captions (shadow:
 * the even-indexed prompts of sd1_mem / sd1_nmem, target: the odd-indexed ones). Each world is first built with all
 * its captions; then half of its memorized and half of its non-memorized components (a seeded shuffle) are held
 * out: removed from the mixture, so the model never saw them. Members are the kept components' captions with one
 * training image each ({@code mu_k + sqrt(sigma2_k) z}); hold-out samples are the removed components' captions with
 * an image drawn the same way: pairs from the same recipe that are not in the world. Features come from
 * {@link ClidFeatureExtractor} (15 passes per sample) with {@link LabWordImportance}; {@link ClidThreshold} scores
 * them.
 */
public final class LabClidExperiment {

    /**
     * @param recipe       the lab config both worlds share (its seed is replaced by the two seeds below)
     * @param memPerWorld  memorized captions per world (half members, half hold-out)
     * @param nmemPerWorld non-memorized captions per world (half members, half hold-out)
     */
    public record Settings(LabConfig recipe, int memPerWorld, int nmemPerWorld, long shadowSeed, long targetSeed,
                           int batchLatents) {
        /**
         * Mean scale of the CLiD recipe. At t = 440..460 (abar ~ 0.3) the default lab's images (per-element std 0.3,
         * D = 4096) differ in log-likelihood by hundreds of nats, which swamps the text prior: every condition
         * predicts the same eps and the discrepancies D_j vanish (measured: AUC of condNull_dif 0.53). With images
         * ten times closer (0.03) the caption still decides which training image explains x_t at mid noise, the
         * regime CLiD is built for. Smaller latents keep {@code D * meanScale^2} (the log-likelihood scale) fixed:
         * {@link #meanScaleFor(int)}.
         */
        public static final double MEAN_SCALE = 0.03;

        /**
         * Text sharpness of the CLiD recipe: the soft routing the recipe was tuned with (the lab default until the
         * detector calibration, docs/lab.md). The default lab's beta = 1e5 routes every caption to its nearest key
         * outright, so a clipped caption either keeps the full caption's component or loses it, and the graded
         * discrepancies D_j CLiD reads become all-or-nothing. Measured on the 40 + 40 caption test world: AUC 0.78
         * with beta 20 and w = 1, 0.64 with beta 20 and w = 3e-4, 0.52 with beta 1e5 and w = 3e-4.
         */
        public static final double BETA = 20;

        /**
         * Unconditional weight of memorized images in the CLiD recipe: 1, the plain marginal prior it was tuned
         * with (condNull_dif compares each caption with the unconditional model; see {@link #BETA}).
         */
        public static final double UNCOND_MEM_WEIGHT = 1;

        /** The default lab config with the CLiD recipe's text prior ({@link #BETA}, {@link #UNCOND_MEM_WEIGHT}). */
        public static LabConfig recipe(double meanScale) {
            return LabConfig.defaults().with("beta", BETA).with("uncondMemWeight", UNCOND_MEM_WEIGHT)
                    .with("meanScale", meanScale);
        }

        /** {@code 0.03 * sqrt(4096 / D)}: the same likelihood-versus-text balance for D latent elements. */
        public static double meanScaleFor(int dim) {
            return MEAN_SCALE * Math.sqrt(4096.0 / dim);
        }

        /**
         * The default lab recipe (4 x 32 x 32 latents, E = 256, 1024 generic clusters) with
         * {@code meanScale = }{@link #MEAN_SCALE}, and 250 + 250 captions per world (250 members, 250 hold-out):
         * 7,500 forward passes per world over K = 1,274 components (~15 s on 2 cores).
         */
        public static Settings standard() {
            return new Settings(recipe(MEAN_SCALE), 250, 250, 1001, 2002, 60);
        }

        /**
         * 4 x 16 x 16 latents (meanScale 0.06), E = 128, 256 generic clusters, 80 + 80 captions per world: a few
         * seconds.
         */
        public static Settings quick() {
            LabConfig c = recipe(meanScaleFor(1024)).with("height", 16).with("width", 16)
                    .with("embeddingDim", 128).with("genericComponents", 256);
            return new Settings(c, 80, 80, 1001, 2002, 60);
        }

        /** The same settings with lab config assignments ({@code key=value}) applied to the recipe. */
        public Settings withAssignments(java.util.List<String> assignments) {
            return new Settings(recipe.withAssignments(assignments), memPerWorld, nmemPerWorld, shadowSeed,
                    targetSeed, batchLatents);
        }
    }

    /** The features of both worlds, the CLiD result, and the forward passes spent. */
    public record Outcome(ClidFeatures shadowMembers, ClidFeatures shadowHoldout, ClidFeatures targetMembers,
                          ClidFeatures targetHoldout, ClidResult result, long forwardPasses) {
    }

    /** One world with its member and hold-out samples. */
    record Split(LabWorld world, List<String> memberCaptions, float[][] memberImages, List<String> holdoutCaptions,
                 float[][] holdoutImages) {
    }

    private LabClidExperiment() {
    }

    /** Runs with the prompts of sd1_mem.txt / sd1_nmem.txt from the shared data. */
    public static Outcome run(Settings s, String backend, PrintWriter log) throws IOException {
        List<String> mem = PromptFiles.read(PromptFiles.locateShared(s.recipe().getString("memPrompts")));
        List<String> nmem = PromptFiles.read(PromptFiles.locateShared(s.recipe().getString("nmemPrompts")));
        return run(s, mem, nmem, backend, log);
    }

    public static Outcome run(Settings s, List<String> mem, List<String> nmem, String backend, PrintWriter log) {
        if (s.memPerWorld() < 2 && s.nmemPerWorld() < 2) {
            throw new IllegalArgumentException("the lab CLiD experiment needs at least 2 captions of one kind per "
                    + "world to hold some out");
        }
        long t0 = System.nanoTime();
        Split shadow = split(s, s.shadowSeed(), every(mem, 0, s.memPerWorld()), every(nmem, 0, s.nmemPerWorld()));
        Split target = split(s, s.targetSeed(), every(mem, 1, s.memPerWorld()), every(nmem, 1, s.nmemPerWorld()));
        long passes = 0;
        ClidFeatures[] f = new ClidFeatures[4];
        int idx = 0;
        for (Split sp : new Split[] {shadow, target}) {
            String name = sp == shadow ? "shadow" : "target";
            try (CountingDenoiser model = new CountingDenoiser(new LabDenoiser(sp.world(), Gemms.create(backend)))) {
                ClidFeatureExtractor ex = new ClidFeatureExtractor(model, new LabWordImportance(sp.world()),
                        s.batchLatents());
                long noiseSeed = sp == shadow ? s.shadowSeed() * 31 : s.targetSeed() * 31;
                f[idx++] = ex.extract("lab " + name + " members", sp.memberCaptions(), sp.memberImages(), noiseSeed);
                f[idx++] = ex.extract("lab " + name + " hold-out", sp.holdoutCaptions(), sp.holdoutImages(),
                        noiseSeed + 1);
                passes += model.passes();
            }
            if (log != null) {
                log.println(String.format(Locale.ROOT, "%s world: K = %d, %dx%dx%d, %d members, %d hold-out",
                        name, sp.world().components(), sp.world().channels(), sp.world().height(),
                        sp.world().width(), sp.memberCaptions().size(), sp.holdoutCaptions().size()));
                log.flush();
            }
        }
        ClidResult r = ClidThreshold.evaluate(f[0], f[1], f[2], f[3]);
        if (log != null) {
            log.println(String.format(Locale.ROOT, "%d forward passes (%d per sample) in %.1f s", passes,
                    ClidFeatureExtractor.PASSES_PER_SAMPLE, (System.nanoTime() - t0) / 1e9));
            log.flush();
        }
        return new Outcome(f[0], f[1], f[2], f[3], r, passes);
    }

    private static List<String> every(List<String> list, int parity, int limit) {
        List<String> out = new ArrayList<>();
        for (int i = parity; i < list.size() && out.size() < limit; i += 2) {
            out.add(list.get(i));
        }
        return out;
    }

    /** Builds the recipe world, then removes a seeded half of each prompt kind as hold-out. */
    static Split split(Settings s, long seed, List<String> mem, List<String> nmem) {
        LabConfig cfg = s.recipe().with("seed", seed);
        LabWorld full = LabWorld.build(cfg, mem, nmem);
        SplittableRandom rnd = new SplittableRandom(seed * 7919 + 17);
        boolean[] held = new boolean[full.components()];
        for (LabWorld.Kind kind : new LabWorld.Kind[] {LabWorld.Kind.MEMORIZED, LabWorld.Kind.NONMEMORIZED}) {
            int[] idx = full.indicesOf(kind);
            for (int i = idx.length - 1; i > 0; i--) { // Fisher-Yates
                int j = rnd.nextInt(i + 1);
                int tmp = idx[i];
                idx[i] = idx[j];
                idx[j] = tmp;
            }
            for (int i = 0; i < idx.length / 2; i++) {
                held[idx[i]] = true;
            }
        }
        int k = full.components();
        int d = full.dim();
        int e = full.embeddingDim();
        int kept = 0;
        for (boolean h : held) {
            kept += h ? 0 : 1;
        }
        float[] mu = new float[kept * d];
        double[] sigma2 = new double[kept];
        double[] counts = new double[kept];
        float[] emb = new float[kept * e];
        List<String> captions = new ArrayList<>();
        LabWorld.Kind[] kinds = new LabWorld.Kind[kept];
        List<String> memberCaptions = new ArrayList<>();
        List<float[]> memberImages = new ArrayList<>();
        List<String> holdCaptions = new ArrayList<>();
        List<float[]> holdImages = new ArrayList<>();
        SplittableRandom images = new SplittableRandom(seed * 104729 + 3);
        int w = 0;
        for (int c = 0; c < k; c++) {
            boolean prompt = full.kind(c) != LabWorld.Kind.GENERIC;
            if (prompt) {
                float[] img = full.mean(c);
                double sd = Math.sqrt(full.sigma2()[c]);
                for (int j = 0; j < d; j++) {
                    img[j] = (float) (img[j] + sd * ClidFeatureExtractor.gaussian(images));
                }
                (held[c] ? holdCaptions : memberCaptions).add(full.captions().get(c));
                (held[c] ? holdImages : memberImages).add(img);
            }
            if (held[c]) {
                continue;
            }
            System.arraycopy(full.mu(), c * d, mu, w * d, d);
            System.arraycopy(full.emb(), c * e, emb, w * e, e);
            sigma2[w] = full.sigma2()[c];
            counts[w] = full.counts()[c];
            captions.add(full.captions().get(c));
            kinds[w] = full.kind(c);
            w++;
        }
        LabWorld world = new LabWorld(cfg, full.channels(), full.height(), full.width(), full.beta(), mu, sigma2,
                counts, emb, captions, kinds);
        return new Split(world, memberCaptions, memberImages.toArray(new float[0][]), holdCaptions,
                holdImages.toArray(new float[0][]));
    }

}
