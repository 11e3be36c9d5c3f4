package dev.memscope.model.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.platform.Fp16Conversions;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/** Opening a graph and reading / writing its tensors, with errors that name the file and the input. */
final class OnnxGraph {
    private OnnxGraph() {
    }

    /** Loads by path, so ONNX Runtime finds external-data files next to the graph. */
    static OrtSession open(OrtEnvironment env, Path file, OrtSession.SessionOptions opts, String what) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(what + " " + file + " does not exist");
        }
        try {
            return env.createSession(file.toAbsolutePath().toString(), opts);
        } catch (OrtException e) {
            throw new IllegalArgumentException(what + " " + file + ": ONNX Runtime cannot load it: " + e.getMessage(), e);
        }
    }

    static TensorInfo tensorInfo(Path file, String input, NodeInfo info) {
        if (!(info.getInfo() instanceof TensorInfo t)) {
            throw new IllegalArgumentException(file + ": input " + input + " is not a tensor (" + info.getInfo() + ")");
        }
        return t;
    }

    static Map<String, NodeInfo> inputs(OrtSession s) {
        try {
            return s.getInputInfo();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, NodeInfo> outputs(OrtSession s) {
        try {
            return s.getOutputInfo();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A float tensor as the graph wants it: float32, or float16 for half-precision exports. */
    static OnnxTensor floats(OrtEnvironment env, float[] values, long[] shape, OnnxJavaType type, Path file,
            String input) throws OrtException {
        return switch (type) {
            case FLOAT -> OnnxTensor.createTensor(env, FloatBuffer.wrap(values), shape);
            case FLOAT16 -> OnnxTensor.createTensor(env, Fp16Conversions.convertFloatBufferToFp16Buffer(
                    FloatBuffer.wrap(values)), shape, OnnxJavaType.FLOAT16);
            default -> throw new IllegalArgumentException(file + ": input " + input + " has element type " + type
                    + "; float32 or float16 expected");
        };
    }

    /** The tensor's values as float32 (float16 outputs are widened). */
    static float[] readFloats(OnnxTensor t, Path file, String output) {
        TensorInfo info = t.getInfo();
        float[] out = new float[Math.toIntExact(info.getNumElements())];
        switch (info.type) {
            case FLOAT -> t.getFloatBuffer().get(out);
            case FLOAT16 -> {
                ShortBuffer half = t.getShortBuffer();
                for (int i = 0; i < out.length; i++) {
                    out[i] = Fp16Conversions.fp16ToFloat(half.get(i));
                }
            }
            default -> throw new IllegalArgumentException(file + ": output " + output + " has element type "
                    + info.type + "; float32 or float16 expected");
        }
        return out;
    }

    /**
     * A timestep tensor of the declared element type: a scalar for a rank-0 input, {@code [1]} when the graph fixes
     * that size, else one copy per sample {@code [b]}.
     */
    static OnnxTensor timestep(OrtEnvironment env, OnnxJavaType type, long[] declared, int t, int b)
            throws OrtException {
        int[] ts = new int[b];
        Arrays.fill(ts, t);
        return timestep(env, type, declared, ts);
    }

    /**
     * A timestep per sample in the model's declared type: {@code [b]}, or the first one alone where the model takes
     * a scalar or {@code [1]} (callers group samples by timestep for such models).
     */
    static OnnxTensor timestep(OrtEnvironment env, OnnxJavaType type, long[] declared, int[] ts)
            throws OrtException {
        int b = ts.length;
        long[] dims = declared.length == 0 ? new long[0] : new long[] {declared[0] == 1 ? 1 : b};
        int n = dims.length == 0 ? 1 : (int) dims[0];
        return switch (type) {
            case INT64 -> {
                long[] v = new long[n];
                Arrays.setAll(v, i -> ts[i]);
                yield OnnxTensor.createTensor(env, LongBuffer.wrap(v), dims);
            }
            case INT32 -> OnnxTensor.createTensor(env, IntBuffer.wrap(Arrays.copyOf(ts, n)), dims);
            case FLOAT -> {
                float[] v = new float[n];
                for (int i = 0; i < n; i++) {
                    v[i] = ts[i];
                }
                yield OnnxTensor.createTensor(env, FloatBuffer.wrap(v), dims);
            }
            case FLOAT16 -> {
                short[] v = new short[n];
                for (int i = 0; i < n; i++) {
                    v[i] = Fp16Conversions.floatToFp16(ts[i]);   // exact: integers up to 2048 are fp16 values
                }
                yield OnnxTensor.createTensor(env, ShortBuffer.wrap(v), dims, OnnxJavaType.FLOAT16);
            }
            default -> throw new IllegalStateException("timestep element type " + type + " (checked at open)");
        };
    }

    static String shape(long[] dims) {
        return Arrays.toString(dims).replace("-1", "?");
    }
}
