package dev.memscope.source;

import dev.memscope.kernels.Gemm;
import dev.memscope.model.lab.LabDenoiser;
import dev.memscope.model.lab.LabWorld;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The memorization lab: its memorized captions are the positives, its non-memorized captions the negatives. */
final class LabSource implements ModelSource {
    private final LabWorld world;
    private final LabDenoiser model;

    LabSource(LabWorld world, Gemm gemm) {
        this.world = world;
        this.model = new LabDenoiser(world, gemm);
    }

    @Override
    public ModelSpec spec() {
        return ModelSpec.LAB;
    }

    @Override
    public LabDenoiser denoiser() {
        return model;
    }

    @Override
    public ModelInfo info() {
        return new ModelInfo("lab", String.format(Locale.ROOT, "Lab world with K = %d components, latents %dx%dx%d",
                world.components(), world.channels(), world.height(), world.width()),
                Map.of("kind", "lab", "components", world.components(),
                        "latent", List.of(world.channels(), world.height(), world.width()),
                        "config", world.config().asMap()));
    }

    @Override
    public PromptSets defaultPrompts(boolean quick) {
        return new PromptSets(captions(LabWorld.Kind.MEMORIZED), captions(LabWorld.Kind.NONMEMORIZED));
    }

    private List<String> captions(LabWorld.Kind kind) {
        List<String> list = new ArrayList<>();
        for (int i : world.indicesOf(kind)) {
            list.add(world.captions().get(i));
        }
        if (list.isEmpty()) {
            throw new IllegalArgumentException("the lab world has no " + kind.name().toLowerCase(Locale.ROOT)
                    + " prompts to score");
        }
        return list;
    }
}
