package dev.memscope.detect;

import dev.memscope.kernels.Gemms;
import dev.memscope.model.lab.LabConfig;
import dev.memscope.model.lab.LabDenoiser;
import dev.memscope.model.lab.LabWorld;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A small lab world for fast detector tests: the first 16 memorized and 16 non-memorized prompts of the shared
 * SD1 files, 4 x 8 x 8 latents, 64 generic clusters (built once per JVM).
 */
final class TestWorlds {
    static final int PER_KIND = 16;
    private static LabWorld small;

    private TestWorlds() {
    }

    static LabConfig smallConfig() {
        return LabConfig.defaults().with("memLimit", PER_KIND).with("nmemLimit", PER_KIND).with("height", 8)
                .with("width", 8).with("genericComponents", 64).with("embeddingDim", 64)
                // With D = 256 the likelihood gaps are 16 times smaller than in the default world, so a broad
                // cluster is identified later along a trajectory and the default discount (3e-4) lets the exact
                // unconditional score snap onto a memorized image before that (wen-full AUC 0.31 here); 1e-8 keeps
                // the memorized image out of the unconditional posterior until the last steps, as 3e-4 does at
                // D = 4096 (docs/lab.md).
                .with("uncondMemWeight", 1e-8);
    }

    static synchronized LabWorld small() {
        if (small == null) {
            try {
                small = LabWorld.build(smallConfig());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return small;
    }

    static LabDenoiser model() {
        return new LabDenoiser(small(), Gemms.create("cpu"));
    }

    static List<String> memorized() {
        return DetectorAuc.first(small(), LabWorld.Kind.MEMORIZED, PER_KIND);
    }

    static List<String> nonMemorized() {
        return DetectorAuc.first(small(), LabWorld.Kind.NONMEMORIZED, PER_KIND);
    }

    static List<String> all() {
        List<String> a = new ArrayList<>(memorized());
        a.addAll(nonMemorized());
        return a;
    }
}
