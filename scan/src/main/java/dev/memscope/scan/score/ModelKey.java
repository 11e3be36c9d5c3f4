package dev.memscope.scan.score;

import dev.memscope.source.ModelSpec;
import java.io.Serializable;
import java.nio.file.Path;

/**
 * What an executor needs to open the model, resolved on the driver so every executor opens the same one: the
 * {@code --model} value with any folder made absolute, the kernel backend already resolved from {@code auto}, and
 * the ONNX Runtime provider. Also the key of the per-JVM {@link ModelPool}.
 */
public record ModelKey(String model, String backend, String onnxProvider) implements Serializable {

    public ModelSpec spec() {
        return ModelSpec.parse(model);
    }

    /** {@code testbed} becomes {@code testbed:/abs/models/testbed}, relative folders absolute. */
    public static ModelKey resolve(ModelSpec spec, Path testbedDefault, String backend, String onnxProvider) {
        if (spec.kind() == ModelSpec.Kind.REPLAY) {
            throw new IllegalArgumentException("--model " + spec + ": a replay answers only for the prompts it "
                    + "recorded; scan scores arbitrary captions (use lab, testbed or onnx:DIR)");
        }
        String m = switch (spec.kind()) {
            case LAB -> "lab";
            case TESTBED -> "testbed:" + (spec.dir() == null ? testbedDefault : spec.dir()).toAbsolutePath().normalize();
            default -> spec.kind().name().toLowerCase(java.util.Locale.ROOT) + ":"
                    + spec.dir().toAbsolutePath().normalize();
        };
        return new ModelKey(m, backend, onnxProvider);
    }
}
