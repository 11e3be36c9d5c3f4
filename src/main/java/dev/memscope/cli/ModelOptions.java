package dev.memscope.cli;

import dev.memscope.model.lab.LabConfig;
import dev.memscope.source.ModelSource;
import dev.memscope.source.ModelSources;
import dev.memscope.source.ModelSpec;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The one option group that chooses a model, shared by compare, detect, membench and clid --lab:
 * {@code --model lab|testbed[:DIR]|onnx:DIR|replay:DIR} and {@code --onnx-provider}. {@code --onnx DIR} and
 * {@code --replay DIR} are kept as aliases of {@code --model onnx:DIR} / {@code --model replay:DIR}.
 */
public final class ModelOptions {
    @Option(names = "--model", paramLabel = "SOURCE", description = "model: lab (default), testbed (models/testbed "
            + "of the installation), testbed:DIR, onnx:DIR (an exported Stable Diffusion, scripts/export_sd_onnx.md) "
            + "or replay:DIR (tensors recorded by scripts/record_eps.py)")
    String model;

    @Option(names = "--onnx", paramLabel = "DIR", description = "alias of --model onnx:DIR")
    Path onnx;

    @Option(names = "--replay", paramLabel = "DIR", description = "alias of --model replay:DIR")
    Path replay;

    @Option(names = "--onnx-provider", defaultValue = "cpu",
            description = "ONNX Runtime provider for onnx and testbed models: cpu (default), cuda or auto")
    String onnxProvider;

    /** The source asked for; more than one of --model, --onnx, --replay is an error naming them. */
    public ModelSpec spec() {
        int given = (model != null ? 1 : 0) + (onnx != null ? 1 : 0) + (replay != null ? 1 : 0);
        if (given > 1) {
            throw new IllegalArgumentException("--model, --onnx and --replay exclude each other: name one model");
        }
        if (onnx != null) {
            return new ModelSpec(ModelSpec.Kind.ONNX, onnx);
        }
        if (replay != null) {
            return new ModelSpec(ModelSpec.Kind.REPLAY, replay);
        }
        return model == null ? ModelSpec.LAB : ModelSpec.parse(model);
    }

    /** The ONNX Runtime provider asked for (cpu, cuda or auto). */
    public String onnxProvider() {
        return onnxProvider;
    }

    /** For commands that build their own lab world (membench, clid --lab): anything but the lab is an error. */
    void requireLab(String command, String why) {
        ModelSpec s = spec();
        if (s.kind() != ModelSpec.Kind.LAB) {
            throw new IllegalArgumentException(command + " runs only on the lab (" + why + "); --model " + s
                    + " is not supported");
        }
    }

    ModelSource open(LabCommand.WorldOptions world, BackendOption backend) throws IOException {
        ModelSpec s = spec();
        if (s.kind() != ModelSpec.Kind.LAB && world.isSet()) {
            throw new IllegalArgumentException("--config, --set, --mem and --nmem shape the lab world; they do not "
                    + "apply to --model " + s);
        }
        LabConfig config = s.kind() == ModelSpec.Kind.LAB ? world.config() : null;
        return ModelSources.open(s, config, backend.resolved(), onnxProvider);
    }
}
