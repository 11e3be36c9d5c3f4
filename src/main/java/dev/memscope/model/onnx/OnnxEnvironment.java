package dev.memscope.model.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;

/**
 * The process's ONNX Runtime environment, created with one global intra-op thread pool that MemScope's sessions
 * share ({@link OnnxModels#SHARED_POOL}). With a pool per session, the text encoder's workers kept spinning (ONNX
 * Runtime spins idle workers for a while after each run) through the UNet call that follows it, so on a 2-core
 * machine three busy threads fought over two cores in every anisotropy call; one pool has no such neighbour.
 *
 * <p>ONNX Runtime allows one environment per process and fixes its thread pools when it is created, so this must
 * create it before anything else asks for it; where something else did first (a test, a caller's own session),
 * there is no global pool and the sessions fall back to their own pools, as before.
 */
final class OnnxEnvironment {
    private static OrtEnvironment env;
    private static boolean globalPool;

    private OnnxEnvironment() {
    }

    static synchronized OrtEnvironment get() {
        if (env == null) {
            if (Boolean.parseBoolean(System.getProperty(OnnxModels.SHARED_POOL, "true"))) {
                try (OrtEnvironment.ThreadingOptions t = new OrtEnvironment.ThreadingOptions()) {
                    // intra-op threads 0: ONNX Runtime's default, one per physical core
                    t.setGlobalSpinControl(OnnxModels.spinning());
                    env = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING,
                            OrtEnvironment.DEFAULT_NAME, t);
                    globalPool = true;
                } catch (IllegalStateException | OrtException e) {
                    // an environment exists already (created without global pools): sessions keep their own
                    env = OrtEnvironment.getEnvironment();
                }
            } else {
                env = OrtEnvironment.getEnvironment();
            }
        }
        return env;
    }

    /** Whether {@link #get} created the environment with the global pool that sessions may share. */
    static synchronized boolean hasGlobalPool() {
        get();
        return globalPool;
    }
}
