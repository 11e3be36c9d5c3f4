package dev.memscope.model.lab;

import dev.memscope.diffusion.DdimSampler;
import dev.memscope.diffusion.NoiseSchedule;
import dev.memscope.kernels.Backends;
import dev.memscope.kernels.ScoreKernels;
import dev.memscope.kernels.cpu.VectorGemm;
import dev.memscope.model.Condition;
import dev.memscope.tensor.TensorF32;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where the detectors' signals come from on a lab world (a tool, not a test; it produced the measurements in
 * docs/lab.md, "Detector calibration"): for the first {@code per} memorized and non-memorized prompts, one seed each,
 * the mean {@code ||eps_c - eps_u||} per step of guided DDIM (7.5, 50 steps) and the AUC of its 50-step mean; and on
 * the anisotropy detector's shared pure-noise latent, {@code ||eps_c - eps_u||} and the mean per-pixel
 * {@code cos(eps_u, eps_c - eps_u)} at t = 981 and t = 41. Run:
 * java -Dmemscope.shared=../shared -Dper=48 -cp target/classes:target/test-classes:$(cat cp.txt) \
 *   --add-modules jdk.incubator.vector dev.memscope.model.lab.TrajectoryProbe [key=value ...]
 */
public final class TrajectoryProbe {
    private TrajectoryProbe() {
    }

    public static void main(String[] args) throws Exception {
        int per = Integer.getInteger("per", 24);
        LabWorld w = LabWorld.build(LabConfig.defaults().withAssignments(List.of(args)));
        int d = w.dim();
        LabWorld.Kind[] kinds = {LabWorld.Kind.MEMORIZED, LabWorld.Kind.NONMEMORIZED};
        try (LabDenoiser m = new LabDenoiser(w, new VectorGemm()); ScoreKernels k = Backends.create("cpu")) {
            double[][] perStep = new double[2][50];
            List<List<Double>> trajectoryMeans = List.of(new ArrayList<>(), new ArrayList<>());
            for (int g = 0; g < 2; g++) {
                int[] idx = w.indicesOf(kinds[g]);
                int n = Math.min(per, idx.length);
                long[] seeds = new long[n];
                Condition[] c = new Condition[n];
                for (int i = 0; i < n; i++) {
                    seeds[i] = i;
                    c[i] = m.condition(w.captions().get(idx[i]));
                }
                double[] mean = new double[n];
                double[] stepSum = perStep[g];
                new DdimSampler(m, k).sample(DdimSampler.initialNoise(w.channels(), w.height(), w.width(), seeds), c,
                        DdimSampler.DEFAULT_GUIDANCE, 50, (step, t, abar, xt, eu, ec, x0, guided) -> {
                            float[] norms = new float[n];
                            k.diffNorm(ec, eu, norms);
                            for (int i = 0; i < n; i++) {
                                stepSum[step] += norms[i] / n;
                                mean[i] += norms[i] / 50.0;
                            }
                        });
                for (double v : mean) {
                    trajectoryMeans.get(g).add(v);
                }
            }
            int[] ts = NoiseSchedule.stableDiffusion().ddimTimesteps(50);
            System.out.println("step     t  mem ||eps_c-eps_u||  nmem ||eps_c-eps_u||");
            for (int s = 0; s < 50; s++) {
                if (s < 10 || s % 5 == 0 || s == 49) {
                    System.out.printf("%4d  %4d  %19.3f  %20.3f%n", s, ts[s], perStep[0][s], perStep[1][s]);
                }
            }
            System.out.printf("AUC of the 50-step mean (one seed): %.3f%n",
                    WorldSeparability.auc(trajectoryMeans.get(0), trajectoryMeans.get(1)));
            for (int t : new int[] {981, 41}) {
                double[][] mean = new double[2][2];
                List<List<Double>> norm = List.of(new ArrayList<>(), new ArrayList<>());
                List<List<Double>> align = List.of(new ArrayList<>(), new ArrayList<>());
                for (int g = 0; g < 2; g++) {
                    int[] idx = w.indicesOf(kinds[g]);
                    int n = Math.min(per, idx.length);
                    long[] seeds = new long[n];
                    Condition[] c = new Condition[2 * n];
                    for (int i = 0; i < n; i++) {
                        seeds[i] = dev.memscope.detect.AnisotropyDetector.DEFAULT_SEED;
                        c[i] = Condition.NULL;
                        c[n + i] = m.condition(w.captions().get(idx[i]));
                    }
                    TensorF32 x = DdimSampler.initialNoise(w.channels(), w.height(), w.width(), seeds);
                    TensorF32 both = TensorF32.zeros(x.shape().withBatch(2 * n));
                    System.arraycopy(x.data(), 0, both.data(), 0, n * d);
                    System.arraycopy(x.data(), 0, both.data(), n * d, n * d);
                    TensorF32 out = TensorF32.zeros(both.shape());
                    m.predict(both, t, c, out);
                    TensorF32 eu = new TensorF32(x.shape(), Arrays.copyOfRange(out.data(), 0, n * d));
                    TensorF32 ec = new TensorF32(x.shape(), Arrays.copyOfRange(out.data(), n * d, 2 * n * d));
                    float[] nf = new float[n];
                    float[] af = new float[n];
                    k.diffNorm(ec, eu, nf);
                    k.guidanceAlignment(ec, eu, af);
                    for (int i = 0; i < n; i++) {
                        norm.get(g).add((double) nf[i]);
                        align.get(g).add((double) af[i]);
                        mean[g][0] += nf[i] / (double) n;
                        mean[g][1] += af[i] / (double) n;
                    }
                }
                System.out.printf("pure noise, t = %d: ||eps_c-eps_u|| mem %.3f nmem %.3f (AUC %.3f); "
                        + "A = cos(eps_u, eps_c-eps_u) mem %.4f nmem %.4f (AUC %.3f)%n", t, mean[0][0], mean[1][0],
                        WorldSeparability.auc(norm.get(0), norm.get(1)), mean[0][1], mean[1][1],
                        WorldSeparability.auc(align.get(0), align.get(1)));
            }
        }
    }
}
