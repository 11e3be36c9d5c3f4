package dev.memscope.model.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Where ONNX Runtime runs the models. {@code cpu} is the default and what the Maven Central artifact has;
 * {@code cuda} needs a runtime built with the CUDA execution provider (the {@code onnxruntime_gpu} artifact and the
 * CUDA / cuDNN libraries it links) and fails clearly without it; {@code auto} takes CUDA when present, else CPU with
 * a note.
 */
public enum OnnxProvider {
    CPU, CUDA, AUTO;

    public static OnnxProvider parse(String name) {
        if (name == null || name.isBlank()) {
            return CPU;
        }
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown ONNX provider '" + name + "'; use cpu, cuda or auto");
        }
    }

    /** Session options for this provider; {@code notes} receives the fallback message of {@code auto}. */
    OrtSession.SessionOptions options(PrintStream notes) throws OrtException {
        OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
        if (this == CPU) {
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
        if (this == CUDA) {
            opts.close();
            throw new IllegalArgumentException("ONNX provider cuda: " + why + ", or use provider cpu");
        }
        notes.println("onnx: running on the CPU: " + why);
        return opts;
    }
}
