package dev.memscope.source;

import dev.memscope.data.PromptFiles;
import dev.memscope.model.onnx.OnnxDenoiser;
import dev.memscope.model.onnx.OnnxModels;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** An exported Stable Diffusion folder; default prompts are the shared sd1_mem.txt / sd1_nmem.txt. */
final class OnnxSource implements ModelSource {
    private final ModelSpec spec;
    private final String provider;
    private final OnnxDenoiser model;

    OnnxSource(ModelSpec spec, String provider) throws IOException {
        this.spec = spec;
        this.provider = provider;
        this.model = OnnxModels.open(spec.dir(), provider);
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public OnnxDenoiser denoiser() {
        return model;
    }

    @Override
    public ModelInfo info() {
        return new ModelInfo("onnx", String.format(Locale.ROOT, "ONNX model in `%s` (%s), latents %dx%dx%d",
                spec.dir(), model.predictionType(), model.channels(), model.height(), model.width()),
                Map.of("kind", "onnx", "dir", spec.dir().toString(), "provider", provider,
                        "predictionType", model.predictionType().toString(),
                        "latent", List.of(model.channels(), model.height(), model.width())));
    }

    @Override
    public PromptSets defaultPrompts(boolean quick) throws IOException {
        return new PromptSets(PromptFiles.read(PromptFiles.locateShared("sd1_mem.txt")),
                PromptFiles.read(PromptFiles.locateShared("sd1_nmem.txt")));
    }

}
