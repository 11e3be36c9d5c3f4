package dev.memscope.source;

import dev.memscope.io.Installation;
import dev.memscope.kernels.Gemms;
import dev.memscope.model.lab.LabConfig;
import dev.memscope.model.lab.LabWorld;
import java.io.IOException;
import java.nio.file.Path;

/** Opens the source a {@link ModelSpec} names. */
public final class ModelSources {
    /** Where the testbed lives under the installation root when {@code --model testbed} names no folder. */
    public static final String TESTBED_DIR = "models/testbed";

    private ModelSources() {
    }

    /**
     * @param labConfig    the lab world's recipe (used only for {@code lab})
     * @param backend      a resolved kernel backend (the lab's GEMM follows it)
     * @param onnxProvider ONNX Runtime provider for onnx and testbed: cpu, cuda or auto
     */
    public static ModelSource open(ModelSpec spec, LabConfig labConfig, String backend, String onnxProvider)
            throws IOException {
        return switch (spec.kind()) {
            case LAB -> new LabSource(LabWorld.build(labConfig), Gemms.create(backend));
            case ONNX -> new OnnxSource(spec, onnxProvider);
            case REPLAY -> new ReplaySource(spec);
            case TESTBED -> new TestbedSource(spec, testbedDir(spec), onnxProvider);
        };
    }

    /** The testbed folder a spec names: its own folder, or models/testbed of the installation. */
    public static Path testbedDir(ModelSpec spec) {
        return spec.dir() != null ? spec.dir() : Installation.home().resolve(TESTBED_DIR);
    }
}
