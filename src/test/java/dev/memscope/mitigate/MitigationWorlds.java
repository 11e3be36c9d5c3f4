package dev.memscope.mitigate;

import dev.memscope.kernels.Backends;
import dev.memscope.kernels.ScoreKernels;
import dev.memscope.kernels.cpu.VectorGemm;
import dev.memscope.model.lab.LabConfig;
import dev.memscope.model.lab.LabDenoiser;
import dev.memscope.model.lab.LabWorld;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Small lab worlds for the mitigation tests: the first 4 memorized and 4 non-memorized prompts of the shared SD1
 * files, 4 x 8 x 8 latents (D = 256), 16 generic clusters.
 */
final class MitigationWorlds {
    static final ScoreKernels KERNELS = Backends.create("cpu");

    private MitigationWorlds() {
    }

    static LabConfig small() {
        return LabConfig.defaults().with("memLimit", 4).with("nmemLimit", 4).with("height", 8).with("width", 8)
                .with("genericComponents", 16).with("embeddingDim", 64);
    }

    static LabWorld build(LabConfig config) {
        try {
            return LabWorld.build(config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static MitigationContext context(LabWorld world) {
        return context(new LabDenoiser(world, new VectorGemm(1)), world);
    }

    static MitigationContext context(dev.memscope.model.Denoiser model, LabWorld world) {
        LinkedHashSet<String> vocab = new LinkedHashSet<>();
        for (String c : world.captions()) {
            vocab.addAll(dev.memscope.model.lab.TextEncoder.words(c));
        }
        return new MitigationContext(model, KERNELS, training(world), new ArrayList<>(vocab), 7.5, 50);
    }

    static TrainingImages training(LabWorld world) {
        return new TrainingImages(world.mu(), world.dim(), world.captions());
    }

    static List<String> captions(LabWorld world, LabWorld.Kind kind) {
        List<String> out = new ArrayList<>();
        for (int i : world.indicesOf(kind)) {
            out.add(world.captions().get(i));
        }
        return out;
    }
}
