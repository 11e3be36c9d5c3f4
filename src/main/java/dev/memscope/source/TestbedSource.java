package dev.memscope.source;

import dev.memscope.io.Installation;

import dev.memscope.model.onnx.OnnxDenoiser;
import dev.memscope.model.onnx.OnnxModels;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * The testbed: a small Stable-Diffusion-shaped model trained with known duplication, in one folder:
 * {@code onnx/} (the flat layout {@link OnnxModels#open} reads; its {@code unet.onnx} and reverse-mode
 * {@code unet_vjp.onnx} share the external-data file {@code unet.weights}), {@code labels.csv} (one row per training or probe
 * caption: role, item, copies, copy rate, memorized) and {@code SHA256SUMS}. Every listed file is checked before
 * anything is opened.
 *
 * <p>Default prompts: positives are the captions labelled memorized; negatives the non-memorized ones whose role is
 * singleton, heldout or novel (a duplicated caption that did not end up memorized is neither clean positive nor
 * clean negative, so it is left out). {@code --quick}: the first {@link #QUICK_PER_CLASS} of each class after a
 * shuffle seeded with {@link #QUICK_SEED}, the same subset on every run and machine.
 */
final class TestbedSource implements ModelSource {
    static final String SUMS = "SHA256SUMS";
    static final String LABELS = "labels.csv";
    static final String ONNX = "onnx";
    static final int QUICK_PER_CLASS = 24;
    static final long QUICK_SEED = 14;
    /**
     * Samples per ONNX call: the testbed's 3x16x16 UNet is small enough that per-call overhead dominates at SD's
     * default of 8 (a trained 1.2M-parameter network takes ~8 MB of activations per 64 samples).
     */
    static final int MAX_BATCH = 128;
    private static final Set<String> NEGATIVE_ROLES = Set.of("singleton", "heldout", "novel");

    private final ModelSpec spec;
    private final Path dir;
    private final String provider;
    private final Map<String, CaptionLabel> labels;
    private final OnnxDenoiser model;

    TestbedSource(ModelSpec spec, Path dir, String provider) throws IOException {
        this.spec = spec;
        this.dir = dir;
        this.provider = provider;
        if (!java.nio.file.Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + ": no testbed folder here (expected onnx/, " + LABELS + ", "
                    + SUMS + "; --model testbed:DIR names another)");
        }
        Sha256Sums.verify(dir.resolve(SUMS));
        this.labels = Collections.unmodifiableMap(TestbedLabels.read(dir.resolve(LABELS)));
        this.model = OnnxModels.open(dev.memscope.model.onnx.OnnxLayout.of(dir.resolve(ONNX)),
                dev.memscope.model.onnx.OnnxProvider.parse(provider), MAX_BATCH, System.err);
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
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("kind", "testbed");
        f.put("dir", Installation.display(dir));
        f.put("provider", provider);
        f.put("predictionType", model.predictionType().toString());
        f.put("latent", List.of(model.channels(), model.height(), model.width()));
        f.put("captions", labels.size());
        return new ModelInfo("testbed", String.format(Locale.ROOT, "Testbed in `%s` (%s, %d labelled captions), "
                + "latents %dx%dx%d", Installation.display(dir), model.predictionType(), labels.size(), model.channels(), model.height(),
                model.width()), f);
    }

    @Override
    public PromptSets defaultPrompts(boolean quick) {
        List<String> pos = new ArrayList<>();
        List<String> neg = new ArrayList<>();
        labels.forEach((caption, l) -> {
            if (l.memorized()) {
                pos.add(caption);
            } else if (NEGATIVE_ROLES.contains(l.role())) {
                neg.add(caption);
            }
        });
        if (pos.isEmpty() || neg.isEmpty()) {
            throw new IllegalArgumentException(dir.resolve(LABELS) + ": compare needs memorized captions and "
                    + "non-memorized singleton/heldout/novel captions; it has " + pos.size() + " and " + neg.size());
        }
        return quick ? new PromptSets(quickSubset(pos), quickSubset(neg)) : new PromptSets(pos, neg);
    }

    static List<String> quickSubset(List<String> all) {
        List<String> shuffled = new ArrayList<>(all);
        Collections.shuffle(shuffled, new Random(QUICK_SEED));
        return shuffled.subList(0, Math.min(QUICK_PER_CLASS, shuffled.size()));
    }

    @Override
    public Optional<List<String>> allPrompts() {
        return Optional.of(List.copyOf(labels.keySet()));
    }

    @Override
    public Map<String, CaptionLabel> labels() {
        return labels;
    }
}
