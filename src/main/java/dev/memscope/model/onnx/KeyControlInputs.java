package dev.memscope.model.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import dev.memscope.model.Condition;
import dev.memscope.model.KeyLogits;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * The UNet inputs {@code attn_key_scale} and {@code attn_key_bias} ({@code [B or 1, T]}, the testbed's re-export:
 * {@code logits * scale + bias} per key in every cross-attention layer) fed from the {@link KeyLogits} of the
 * conditions. The inputs are required by the graph (ONNX Runtime Java cannot feed initializer-backed optional
 * inputs, scripts/testbed/export.py), so a batch whose conditions carry no control gets ones and zeros of shape
 * {@code [1, T]}, which reproduce the uncontrolled network bit for bit.
 */
final class KeyControlInputs {
    static final String SCALE = "attn_key_scale";
    static final String BIAS = "attn_key_bias";

    private final Path file;
    private final int keys;
    private final OnnxJavaType scaleType;
    private final OnnxJavaType biasType;

    private KeyControlInputs(Path file, int keys, OnnxJavaType scaleType, OnnxJavaType biasType) {
        this.file = file;
        this.keys = keys;
        this.scaleType = scaleType;
        this.biasType = biasType;
    }

    /** The graph's key-control inputs, or null when it has neither; one without the other is an error. */
    static KeyControlInputs of(Path file, Map<String, NodeInfo> inputs, int keys) {
        boolean scale = inputs.containsKey(SCALE);
        boolean bias = inputs.containsKey(BIAS);
        if (!scale && !bias) {
            return null;
        }
        if (scale != bias) {
            throw new IllegalArgumentException(file + ": has input " + (scale ? SCALE : BIAS) + " but not "
                    + (scale ? BIAS : SCALE) + "; the cross-attention key control needs both");
        }
        TensorInfo s = OnnxGraph.tensorInfo(file, SCALE, inputs.get(SCALE));
        TensorInfo b = OnnxGraph.tensorInfo(file, BIAS, inputs.get(BIAS));
        for (TensorInfo t : new TensorInfo[] {s, b}) {
            long[] d = t.getShape();
            if (d.length != 2 || (d[1] > 0 && d[1] != keys) || d[0] > 0) {
                throw new IllegalArgumentException(file + ": key-control input has shape " + OnnxGraph.shape(d)
                        + "; expected [batch, " + keys + "] with a dynamic batch");
            }
        }
        return new KeyControlInputs(file, keys, s.type, b.type);
    }

    /** Refuses a batch that asks for key control of a graph without the inputs (null {@code inputs}). */
    static void refuseIfAsked(KeyControlInputs inputs, Path file, Condition[] conditions, int from, int b) {
        if (inputs != null) {
            return;
        }
        for (int i = from; i < from + b; i++) {
            if (conditions[i].keyLogits() != null) {
                throw new IllegalArgumentException(file + " has no inputs " + SCALE + " / " + BIAS + ", so it cannot "
                        + "apply the cross-attention key control of " + conditions[i] + " (re-export the UNet with "
                        + "them, scripts/testbed/export.py; docs/mitigation.md)");
            }
        }
    }

    int keys() {
        return keys;
    }

    /** Adds both inputs for {@code conditions[from, from + b)} to {@code in}, whose tensors the caller closes. */
    void put(OrtEnvironment env, Map<String, OnnxTensor> in, Condition[] conditions, int from, int b)
            throws OrtException {
        boolean any = false;
        for (int i = from; i < from + b && !any; i++) {
            any = conditions[i].keyLogits() != null;
        }
        int rows = any ? b : 1;
        float[] scale = new float[rows * keys];
        float[] bias = new float[rows * keys];
        Arrays.fill(scale, 1f);
        if (any) {
            for (int i = 0; i < b; i++) {
                KeyLogits k = conditions[from + i].keyLogits();
                if (k == null) {
                    continue;
                }
                if (k.keys() != keys) {
                    throw new IllegalArgumentException(conditions[from + i] + " carries key logits for " + k.keys()
                            + " keys; " + file + " has " + keys);
                }
                k.copyTo(scale, bias, i * keys);
            }
        }
        long[] shape = {rows, keys};
        in.put(SCALE, OnnxGraph.floats(env, scale, shape, scaleType, file, SCALE));
        in.put(BIAS, OnnxGraph.floats(env, bias, shape, biasType, file, BIAS));
    }
}
