package dev.memscope.detect;

import dev.memscope.kernels.Backends;
import dev.memscope.kernels.Gemms;
import dev.memscope.kernels.ScoreKernels;
import dev.memscope.model.lab.LabConfig;
import dev.memscope.model.lab.LabDenoiser;
import dev.memscope.model.lab.LabWorld;
import dev.memscope.progress.Progress;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures each detector's AUC on a lab world (a tool, not a test): the first {@code per} memorized and
 * non-memorized prompts of the world, every detector with its defaults. Run:
 * java -cp target/classes:target/test-classes:$(cat cp.txt) --add-modules jdk.incubator.vector \
 *   dev.memscope.detect.DetectorAuc [per=100] [detectors=anisotropy,...] [key=value ...]
 */
public final class DetectorAuc {
    public static void main(String[] args) throws Exception {
        int per = 100;
        List<String> names = Detectors.names();
        List<String> assignments = new ArrayList<>();
        for (String a : args) {
            if (a.startsWith("per=")) {
                per = Integer.parseInt(a.substring(4));
            } else if (a.startsWith("detectors=")) {
                names = List.of(a.substring(10).split(","));
            } else {
                assignments.add(a);
            }
        }
        LabWorld world = LabWorld.build(LabConfig.defaults().withAssignments(assignments));
        List<String> pos = first(world, LabWorld.Kind.MEMORIZED, per);
        List<String> neg = first(world, LabWorld.Kind.NONMEMORIZED, per);
        List<String> all = new ArrayList<>(pos);
        all.addAll(neg);
        try (LabDenoiser model = new LabDenoiser(world, Gemms.create("cpu")); ScoreKernels k = Backends.create("cpu")) {
            for (String name : names) {
                Detector d = Detectors.create(name);
                Scores s = d.score(all, new DetectionContext(model, k, 64, Progress.NONE));
                double[] p = java.util.Arrays.copyOfRange(s.values(), 0, pos.size());
                double[] n = java.util.Arrays.copyOfRange(s.values(), pos.size(), all.size());
                System.out.printf("%-12s AUC %.3f  passes/prompt %d  ms/prompt %.2f%n", name, Auc.of(p, n),
                        s.forwardPasses() / all.size(), s.millisPerPrompt());
                if (name.equals("anisotropy")) {
                    double[][] t = new AnisotropyDetector().terms(all, new DetectionContext(model, k, 64, Progress.NONE));
                    int m = pos.size();
                    for (int j = 0; j < 2; j++) {
                        System.out.printf("  %s alone: AUC %.3f%n", j == 0 ? "N (t=981)" : "A (t=41)",
                                Auc.of(java.util.Arrays.copyOfRange(t[j], 0, m),
                                        java.util.Arrays.copyOfRange(t[j], m, all.size())));
                    }
                }
            }
        }
    }

    static List<String> first(LabWorld w, LabWorld.Kind kind, int n) {
        int[] idx = w.indicesOf(kind);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < Math.min(n, idx.length); i++) {
            out.add(w.captions().get(idx[i]));
        }
        return out;
    }
}
