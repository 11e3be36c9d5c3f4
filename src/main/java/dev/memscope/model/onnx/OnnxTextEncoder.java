package dev.memscope.model.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.Map;

/**
 * A CLIP text encoder exported to ONNX: {@code input_ids [B, L]} (int64 as optimum exports it, or int32; read from
 * the model) to {@code last_hidden_state [B, L, E]}, the states Stable Diffusion's UNet attends to.
 */
public final class OnnxTextEncoder implements AutoCloseable {
    private final Path file;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final String input;
    private final String output;
    private final OnnxJavaType idType;
    private final int length;

    OnnxTextEncoder(OrtEnvironment env, Path file, OrtSession.SessionOptions opts, int length) {
        this.file = file;
        this.env = env;
        this.length = length;
        this.session = OnnxGraph.open(env, file, opts, "text encoder");
        try {
            Map<String, NodeInfo> inputs = OnnxGraph.inputs(session);
            if (inputs.containsKey("input_ids")) {
                input = "input_ids";
            } else if (inputs.size() == 1) {
                input = inputs.keySet().iterator().next();
            } else {
                throw new IllegalArgumentException(file + ": the text encoder needs an input named input_ids; it has "
                        + inputs.keySet());
            }
            TensorInfo ids = OnnxGraph.tensorInfo(file, input, inputs.get(input));
            long[] dims = ids.getShape();
            if (dims.length != 2 || (dims[1] > 0 && dims[1] != length)) {
                throw new IllegalArgumentException(file + ": input " + input + " has shape " + OnnxGraph.shape(dims)
                        + "; expected [batch, " + length + "] (the tokenizer's model_max_length)");
            }
            idType = ids.type;
            if (idType != OnnxJavaType.INT64 && idType != OnnxJavaType.INT32) {
                throw new IllegalArgumentException(file + ": input " + input + " has element type " + idType
                        + "; int64 or int32 expected");
            }
            Map<String, NodeInfo> outputs = OnnxGraph.outputs(session);
            output = outputs.containsKey("last_hidden_state") ? "last_hidden_state" : outputs.keySet().iterator().next();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    public Path file() {
        return file;
    }

    /** Text states per prompt, each flattened {@code [L * E]} (row-major: token, then hidden unit). */
    public float[][] encode(int[][] ids) {
        int b = ids.length;
        long[] shape = {b, length};
        try (OnnxTensor in = idTensor(ids, shape);
             OrtSession.Result r = session.run(Map.of(input, in))) {
            OnnxValue v = r.get(output).orElseThrow();
            if (!(v instanceof OnnxTensor t) || t.getInfo().getShape().length != 3
                    || t.getInfo().getShape()[0] != b || t.getInfo().getShape()[1] != length) {
                throw new IllegalArgumentException(file + ": output " + output + " is " + v.getInfo()
                        + "; expected [" + b + ", " + length + ", hidden]");
            }
            float[] all = OnnxGraph.readFloats(t, file, output);
            int per = all.length / b;
            float[][] out = new float[b][];
            for (int i = 0; i < b; i++) {
                out[i] = java.util.Arrays.copyOfRange(all, i * per, (i + 1) * per);
            }
            return out;
        } catch (OrtException e) {
            throw new IllegalStateException(file + ": ONNX Runtime failed: " + e.getMessage(), e);
        }
    }

    private OnnxTensor idTensor(int[][] ids, long[] shape) throws OrtException {
        int n = ids.length * length;
        if (idType == OnnxJavaType.INT32) {
            IntBuffer buf = IntBuffer.allocate(n);
            for (int[] row : ids) {
                buf.put(row);
            }
            return OnnxTensor.createTensor(env, buf.flip(), shape);
        }
        LongBuffer buf = LongBuffer.allocate(n);
        for (int[] row : ids) {
            for (int id : row) {
                buf.put(id);
            }
        }
        return OnnxTensor.createTensor(env, buf.flip(), shape);
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }
}
