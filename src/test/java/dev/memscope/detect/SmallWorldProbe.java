package dev.memscope.detect;

import dev.memscope.kernels.Backends;
import dev.memscope.kernels.ScoreKernels;
import dev.memscope.model.lab.LabDenoiser;
import dev.memscope.progress.Progress;
import java.util.Arrays;
import java.util.List;

/** Prints each detector's AUC on the small test world (a tool for choosing test worlds, not a test). */
public final class SmallWorldProbe {
    public static void main(String[] args) {
        List<String> all = TestWorlds.all();
        int m = TestWorlds.memorized().size();
        try (LabDenoiser model = TestWorlds.model(); ScoreKernels k = Backends.create("cpu")) {
            for (String name : List.of("anisotropy", "wen-first", "wen-full", "sharpness", "sharpness-fd", "carlini")) {
                Scores s = Detectors.create(name).score(all, new DetectionContext(model, k, 16, Progress.NONE));
                System.out.printf("%-12s AUC %.3f ms/prompt %.2f %s%n", name,
                        Auc.of(Arrays.copyOfRange(s.values(), 0, m), Arrays.copyOfRange(s.values(), m, all.size())),
                        s.millisPerPrompt(), Arrays.toString(Arrays.copyOf(s.values(), 4)));
            }
            AnisotropyDetector a = new AnisotropyDetector();
            double[][] t = a.terms(all, new DetectionContext(model, k, 16, Progress.NONE));
            System.out.printf("N AUC %.3f, A AUC %.3f%n", Auc.of(Arrays.copyOfRange(t[0], 0, m), Arrays.copyOfRange(t[0], m, all.size())),
                    Auc.of(Arrays.copyOfRange(t[1], 0, m), Arrays.copyOfRange(t[1], m, all.size())));
        }
    }
}
