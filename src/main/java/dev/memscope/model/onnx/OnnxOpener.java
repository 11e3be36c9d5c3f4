package dev.memscope.model.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/** The ONNX Runtime side of {@link OnnxModels#open}: tokenizer, config, sessions, in that order. */
final class OnnxOpener {
    private OnnxOpener() {
    }

    static OnnxDenoiser open(OnnxLayout layout, OnnxProvider provider, int maxBatch, PrintStream notes)
            throws IOException {
        ClipTokenizer tokenizer = ClipTokenizer.load(layout.tokenizer());
        ModelConfig config = ModelConfig.read(layout, notes);
        OrtEnvironment env = OnnxEnvironment.get();
        try (OrtSession.SessionOptions opts = options(provider, notes)) {
            OnnxTextEncoder text = new OnnxTextEncoder(env, layout.textEncoder(), opts, tokenizer.maxLength());
            try {
                Path vjp = layout.unetVjp();
                return vjp == null ? new OnnxDenoiser(env, layout, opts, maxBatch, tokenizer, text, config)
                        : new OnnxVjpDenoiser(env, layout, opts, maxBatch, tokenizer, text, config, vjp, provider);
            } catch (RuntimeException e) {
                text.close();
                throw e;
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime: " + e.getMessage(), e);
        }
    }

    /** Session options for this provider; {@code notes} receives the fallback message of {@code auto}. */
    static OrtSession.SessionOptions options(OnnxProvider provider, PrintStream notes) throws OrtException {
        OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
        String threads = System.getProperty(OnnxModels.INTRA_OP_THREADS);
        if (threads != null) {
            // on a shared, oversubscribed machine one thread avoids stalls at ONNX Runtime's intra-op barriers
            opts.setIntraOpNumThreads(Integer.parseInt(threads.trim()));
        } else if (OnnxEnvironment.hasGlobalPool()) {
            opts.disablePerSessionThreads();
        }
        if (!OnnxModels.spinning()) {
            opts.addConfigEntry("session.intra_op.allow_spinning", "0");
        }
        if (provider == OnnxProvider.CPU) {
            return opts;
        }
        boolean available = OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
        String why = "this ONNX Runtime has no CUDA execution provider (it has "
                + OrtEnvironment.getAvailableProviders() + "); com.microsoft.onnxruntime:onnxruntime is the CPU "
                + "build: put com.microsoft.onnxruntime:onnxruntime_gpu (same version) on the class path instead";
        if (available) {
            try {
                opts.addCUDA(0);
                return opts;
            } catch (OrtException e) {
                why = "the CUDA execution provider did not start (" + e.getMessage()
                        + "); check the CUDA and cuDNN libraries it needs";
            }
        }
        if (provider == OnnxProvider.CUDA) {
            opts.close();
            throw new IllegalArgumentException("ONNX provider cuda: " + why + ", or use provider cpu");
        }
        notes.println("onnx: running on the CPU: " + why);
        return opts;
    }
}
