package dev.memscope.model.lab;

import dev.memscope.diffusion.DdimSampler;
import dev.memscope.diffusion.NoiseSchedule;
import dev.memscope.kernels.cpu.VectorGemm;
import dev.memscope.model.Condition;
import dev.memscope.tensor.TensorF32;
import java.util.ArrayList;
import java.util.List;

/**
 * Quick separability check of a lab world (a tool, not a test): AUC of the anisotropy paper's magnitude
 * N = ||eps_c - eps_u|| at t = 981 (one seed per prompt, larger is "memorized") between memorized and non-memorized
 * prompts. Run: java -cp target/classes:target/test-classes --add-modules jdk.incubator.vector \
 *   dev.memscope.model.lab.WorldSeparability [key=value ...]
 */
public final class WorldSeparability {
    public static void main(String[] args) throws Exception {
        LabConfig cfg = LabConfig.defaults().withAssignments(List.of(args));
        LabWorld world = LabWorld.build(cfg);
        try (LabDenoiser model = new LabDenoiser(world, new VectorGemm())) {
            System.out.println("N AUC (t=981) = " + aucOfN(model, 981, 3));
            int every = Integer.getInteger("every", 25);
            double[] st = reproduction(model, every, 20);
            System.out.printf("memorized prompts (every %d-th): fraction of (prompt, seed) with cos >= 0.95: %.3f, "
                    + "worst per-prompt fraction %.2f, min cos %.4f, median cos %.4f; nmem mean pairwise cos %.3f%n",
                    every, st[0], st[1], st[2], st[3], st[4]);
        }
    }

    /** AUC of N = mean over seeds of ||eps_c - eps_u|| at timestep t, memorized vs non-memorized prompts. */
    public static double aucOfN(LabDenoiser model, int t, int seeds) {
        LabWorld w = model.world();
        List<Double> pos = new ArrayList<>();
        List<Double> neg = new ArrayList<>();
        for (LabWorld.Kind kind : new LabWorld.Kind[] {LabWorld.Kind.MEMORIZED, LabWorld.Kind.NONMEMORIZED}) {
            int[] idx = w.indicesOf(kind);
            for (int from = 0; from < idx.length; from += 32) {
                int to = Math.min(idx.length, from + 32);
                int nb = (to - from) * seeds;
                long[] seedArr = new long[nb];
                Condition[] cond = new Condition[2 * nb];
                for (int i = 0; i < nb; i++) {
                    seedArr[i] = 1000 + i % seeds;
                    cond[i] = Condition.NULL;
                    cond[nb + i] = model.condition(w.captions().get(idx[from + i / seeds]));
                }
                TensorF32 x = DdimSampler.initialNoise(w.channels(), w.height(), w.width(), seedArr);
                TensorF32 x2 = TensorF32.zeros(x.shape().withBatch(2 * nb));
                System.arraycopy(x.data(), 0, x2.data(), 0, x.data().length);
                System.arraycopy(x.data(), 0, x2.data(), x.data().length, x.data().length);
                TensorF32 out = TensorF32.zeros(x2.shape());
                model.predict(x2, t, cond, out);
                int d = w.dim();
                for (int p = 0; p < to - from; p++) {
                    double nsum = 0;
                    for (int sd = 0; sd < seeds; sd++) {
                        int i = p * seeds + sd;
                        double ss = 0;
                        for (int j = 0; j < d; j++) {
                            double diff = out.data()[(nb + i) * d + j] - out.data()[i * d + j];
                            ss += diff * diff;
                        }
                        nsum += Math.sqrt(ss);
                    }
                    (kind == LabWorld.Kind.MEMORIZED ? pos : neg).add(nsum / seeds);
                }
            }
        }
        return auc(pos, neg);
    }

    /**
     * Samples 'seeds' images per prompt for every 'every'-th memorized prompt (cosine to its training image) and as
     * many non-memorized prompts (mean pairwise cosine). Returns {fraction >= 0.95, worst per-prompt fraction,
     * min cos, median cos, nmem mean pairwise cos}.
     */
    public static double[] reproduction(LabDenoiser model, int every, int seeds) {
        LabWorld w = model.world();
        int d = w.dim();
        int[] mem = w.indicesOf(LabWorld.Kind.MEMORIZED);
        int[] nmem = w.indicesOf(LabWorld.Kind.NONMEMORIZED);
        List<Double> cosines = new ArrayList<>();
        double worst = 1;
        double pairSum = 0;
        int pairN = 0;
        try (dev.memscope.kernels.ScoreKernels kern = dev.memscope.kernels.Backends.create("cpu")) {
            DdimSampler sampler = new DdimSampler(model, kern);
            for (int pi = 0; pi < mem.length; pi += every) {
                for (int kind = 0; kind < 2; kind++) {
                    int comp = kind == 0 ? mem[pi] : nmem[Math.min(pi, nmem.length - 1)];
                    long[] seedArr = new long[seeds];
                    Condition[] cond = new Condition[seeds];
                    Condition c = model.condition(w.captions().get(comp));
                    for (int i = 0; i < seeds; i++) {
                        seedArr[i] = 7 + i;
                        cond[i] = c;
                    }
                    TensorF32 x0 = sampler.sample(DdimSampler.initialNoise(w.channels(), w.height(), w.width(), seedArr),
                            cond, 7.5, 50, dev.memscope.diffusion.StepHook.NONE);
                    if (kind == 0) {
                        float[] m = w.mean(comp);
                        int ok = 0;
                        for (int i = 0; i < seeds; i++) {
                            double cs = cos(x0.data(), i * d, m, 0, d);
                            cosines.add(cs);
                            ok += cs >= 0.95 ? 1 : 0;
                        }
                        worst = Math.min(worst, ok / (double) seeds);
                    } else {
                        for (int i = 0; i < seeds; i++) {
                            for (int j = i + 1; j < seeds; j++) {
                                pairSum += cos(x0.data(), i * d, x0.data(), j * d, d);
                                pairN++;
                            }
                        }
                    }
                }
            }
        }
        java.util.Collections.sort(cosines);
        long ok = cosines.stream().filter(cs -> cs >= 0.95).count();
        return new double[] {ok / (double) cosines.size(), worst, cosines.get(0), cosines.get(cosines.size() / 2),
            pairSum / pairN};
    }

    static double cos(float[] a, int ao, float[] b, int bo, int d) {
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int j = 0; j < d; j++) {
            ab += (double) a[ao + j] * b[bo + j];
            aa += (double) a[ao + j] * a[ao + j];
            bb += (double) b[bo + j] * b[bo + j];
        }
        return ab / Math.sqrt(aa * bb);
    }

    /** Mann-Whitney AUC with ties counted one half. */
    public static double auc(List<Double> pos, List<Double> neg) {
        double s = 0;
        for (double p : pos) {
            for (double n : neg) {
                s += p > n ? 1 : p == n ? 0.5 : 0;
            }
        }
        return s / ((double) pos.size() * neg.size());
    }

    static {
        NoiseSchedule.stableDiffusion();
    }
}
