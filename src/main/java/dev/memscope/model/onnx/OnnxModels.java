package dev.memscope.model.onnx;

import dev.memscope.model.Denoiser;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * Opens an exported Stable Diffusion (see scripts/export_sd_onnx.md) as a {@link Denoiser}: tokenizer, text encoder
 * and UNet from one folder ({@link OnnxLayout}), prediction type from its scheduler config. This class touches no
 * ONNX Runtime type, so that it can say clearly when the runtime is missing from the class path.
 */
public final class OnnxModels {
    /**
     * System property: ONNX Runtime intra-op threads per session (default: unset, the sessions share one pool of
     * ONNX Runtime's default size, one thread per core; see {@link #SHARED_POOL}). Setting it gives every session
     * its own pool of this many threads, as a scan slot wants.
     */
    public static final String INTRA_OP_THREADS = "memscope.onnx.threads";

    /**
     * System property, default true: where {@link #INTRA_OP_THREADS} is unset, the text encoder, UNet and VJP
     * sessions run on one global ONNX Runtime thread pool instead of a spinning pool each. False restores a pool
     * per session (read once, when the process's ONNX Runtime environment is created).
     */
    public static final String SHARED_POOL = "memscope.onnx.sharedPool";

    /**
     * System property, default true (ONNX Runtime's default): whether idle intra-op threads spin for work before
     * they sleep. False can help on a machine whose cores are busy with other work.
     */
    public static final String SPINNING = "memscope.onnx.spinning";

    /** Latents per UNet call unless asked otherwise: SD v1 at 64x64 takes ~1 GB of activations per 8 on a GPU. */
    public static final int DEFAULT_MAX_BATCH = 8;

    private OnnxModels() {
    }

    /** {@code provider}: cpu (default when null), cuda or auto. Notes (fallbacks, assumptions) go to stderr. */
    public static OnnxDenoiser open(Path dir, String provider) throws IOException {
        return open(OnnxLayout.of(dir), OnnxProvider.parse(provider), DEFAULT_MAX_BATCH, System.err);
    }

    public static OnnxDenoiser open(OnnxLayout layout, OnnxProvider provider, int maxBatch, PrintStream notes)
            throws IOException {
        requireRuntime();
        return OnnxOpener.open(layout, provider, maxBatch, notes);
    }

    static boolean spinning() {
        return Boolean.parseBoolean(System.getProperty(SPINNING, "true"));
    }

    /** A clear error where a bundle left ONNX Runtime out (scripts/gpu-bundle.sh does, to stay small). */
    static void requireRuntime() {
        try {
            Class.forName("ai.onnxruntime.OrtEnvironment", false, OnnxModels.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalStateException("ONNX Runtime not on the class path (com.microsoft.onnxruntime:onnxruntime;"
                    + " the GPU bundle leaves it out): run the full memscope jar for --onnx");
        }
    }
}
