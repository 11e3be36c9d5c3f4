package dev.memscope.source;

import dev.memscope.model.replay.ReplayDenoiser;
import dev.memscope.model.replay.ReplayFormatException;
import dev.memscope.model.replay.ReplayManifest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Tensors recorded by scripts/record_eps.py; its prompts labelled mem / nmem are the positives / negatives. */
final class ReplaySource implements ModelSource {
    private final ModelSpec spec;
    private final ReplayDenoiser model;

    ReplaySource(ModelSpec spec) throws ReplayFormatException {
        this.spec = spec;
        this.model = ReplayDenoiser.open(spec.dir());
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public ReplayDenoiser denoiser() {
        return model;
    }

    @Override
    public ModelInfo info() {
        ReplayManifest m = model.manifest();
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("kind", "replay");
        f.put("dir", spec.dir().toString());
        f.put("model", m.model());
        f.put("predictionType", m.predictionType().diffusersName);
        f.put("latent", List.of(m.channels(), m.height(), m.width()));
        f.put("timesteps", m.timesteps());
        f.put("trajectorySteps", m.trajectorySteps());
        f.put("imagesPerPrompt", model.recorded().imagesPerPrompt());
        return new ModelInfo("replay", String.format(Locale.ROOT, "Replay of `%s` recorded in `%s` (%s), latents "
                + "%dx%dx%d", m.model(), spec.dir(), m.predictionType().diffusersName, m.channels(), m.height(),
                m.width()), f);
    }

    @Override
    public PromptSets defaultPrompts(boolean quick) {
        ReplayManifest m = model.manifest();
        List<String> mem = m.promptsLabelled("mem");
        List<String> nmem = m.promptsLabelled("nmem");
        if (mem.isEmpty() || nmem.isEmpty()) {
            throw new IllegalArgumentException(m.file() + ": compare needs prompts labelled mem and nmem (record "
                    + "with --mem and --nmem); it has " + mem.size() + " mem and " + nmem.size() + " nmem");
        }
        return new PromptSets(mem, nmem);
    }

    @Override
    public Optional<List<String>> allPrompts() {
        return Optional.of(model.manifest().promptTexts());
    }
}
