package dev.memscope.scan.score;

import dev.memscope.source.ModelSpec;
import java.io.Serializable;
import java.nio.file.Path;

/**
 * What an executor needs to open the model, resolved on the driver so every executor opens the same one: the
 * {@code --model} value with any folder made absolute, the kernel backend already resolved from {@code auto}, and
 * the ONNX Runtime provider, and the threads each task slot's scorer may use ({@code threadsPerSlot}, 0 = the
 * libraries' defaults of one per core). Also the key of the per-JVM {@link ModelPool}.
 */
public record ModelKey(String model, String backend, String onnxProvider, int threadsPerSlot)
        implements Serializable {

    public ModelKey {
        if (threadsPerSlot < 0) {
            throw new IllegalArgumentException("threads per slot must be >= 0 (0 = one per core), got "
                    + threadsPerSlot);
        }
    }

    /** With the libraries' default threads. */
    public ModelKey(String model, String backend, String onnxProvider) {
        this(model, backend, onnxProvider, 0);
    }

    public ModelSpec spec() {
        return ModelSpec.parse(model);
    }

    /** {@code testbed} becomes {@code testbed:/abs/models/testbed}, relative folders absolute. */
    public static ModelKey resolve(ModelSpec spec, Path testbedDefault, String backend, String onnxProvider,
                                   int threadsPerSlot) {
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
        return new ModelKey(m, backend, onnxProvider, threadsPerSlot);
    }
}
