package dev.memscope.model.onnx;

import java.util.Locale;

/**
 * Where ONNX Runtime runs the models. {@code cpu} is the default and what the Maven Central artifact has;
 * {@code cuda} needs a runtime built with the CUDA execution provider (the {@code onnxruntime_gpu} artifact and the
 * CUDA / cuDNN libraries it links) and fails clearly without it; {@code auto} takes CUDA when present, else CPU with
 * a note. (No ONNX Runtime type here: see {@link OnnxModels}.)
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
}
