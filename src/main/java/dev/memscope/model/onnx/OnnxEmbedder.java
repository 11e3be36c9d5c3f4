package dev.memscope.model.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.Map;

/**
 * A one-input, one-output embedding graph: images {@code [B, C, H, W]} float32, or token ids {@code [B, L]} int64,
 * to {@code embedding [B, E]} (the metric models of docs/metrics.md). The input's static dimensions are read from
 * the graph and every call is checked against them; a NaN or Inf in an output is an error naming the file and row,
 * never a score.
 */
public final class OnnxEmbedder implements AutoCloseable {
    private final Path file;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final String input;
    private final String output;
    private final long[] dims;
    private final OnnxJavaType type;

    private OnnxEmbedder(Path file) {
        OnnxModels.requireRuntime();
        this.file = file;
        this.env = OnnxEnvironment.get();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            // metric models are tiny: one intra-op thread leaves the cores to the sampler they score
            opts.setIntraOpNumThreads(1);
            this.session = OnnxGraph.open(env, file, opts, "embedding model");
        } catch (OrtException e) {
            throw new IllegalStateException(file + ": ONNX Runtime: " + e.getMessage(), e);
        }
        try {
            Map<String, NodeInfo> inputs = OnnxGraph.inputs(session);
            Map<String, NodeInfo> outputs = OnnxGraph.outputs(session);
            if (inputs.size() != 1 || !outputs.containsKey("embedding")) {
                throw new IllegalArgumentException(file + ": an embedding model has one input and an output named "
                        + "embedding; this one has inputs " + inputs.keySet() + ", outputs " + outputs.keySet());
            }
            input = inputs.keySet().iterator().next();
            output = "embedding";
            TensorInfo t = OnnxGraph.tensorInfo(file, input, inputs.get(input));
            dims = t.getShape();
            type = t.type;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** An image embedder: input float32 {@code [B, channels, height, width]}. */
    public static OnnxEmbedder images(Path file, int channels, int height, int width) {
        OnnxEmbedder e = new OnnxEmbedder(file);
        long[] want = {-1, channels, height, width};
        if (e.type != OnnxJavaType.FLOAT || !matches(e.dims, want)) {
            e.close();
            throw new IllegalArgumentException(file + ": input " + e.input + " is " + e.type + " "
                    + OnnxGraph.shape(e.dims) + "; expected FLOAT [batch, " + channels + ", " + height + ", "
                    + width + "]");
        }
        return e;
    }

    /** A text embedder: input int64 {@code [B, length]} token ids. */
    public static OnnxEmbedder tokens(Path file, int length) {
        OnnxEmbedder e = new OnnxEmbedder(file);
        if (e.type != OnnxJavaType.INT64 || !matches(e.dims, new long[] {-1, length})) {
            e.close();
            throw new IllegalArgumentException(file + ": input " + e.input + " is " + e.type + " "
                    + OnnxGraph.shape(e.dims) + "; expected INT64 [batch, " + length + "]");
        }
        return e;
    }

    private static boolean matches(long[] dims, long[] want) {
        if (dims.length != want.length) {
            return false;
        }
        for (int i = 1; i < dims.length; i++) {
            if (dims[i] > 0 && dims[i] != want[i]) {
                return false;
            }
        }
        return true;
    }

    public Path file() {
        return file;
    }

    /** Embeddings of {@code b} images, row-major {@code values [b, C*H*W]} from {@code offset}. */
    public float[][] embedImages(float[] values, int offset, int b) {
        int per = Math.toIntExact(dims[1] * dims[2] * dims[3]);
        if (offset < 0 || (long) offset + (long) b * per > values.length) {
            throw new IllegalArgumentException(file + ": " + b + " images of " + per + " values from offset " + offset
                    + " exceed the array of " + values.length);
        }
        float[] chunk = java.util.Arrays.copyOfRange(values, offset, offset + b * per);
        for (int i = 0; i < chunk.length; i++) {
            if (!Float.isFinite(chunk[i])) {
                throw new IllegalArgumentException(file + ": image " + (i / per) + " has a non-finite value "
                        + chunk[i] + " at element " + (i % per));
            }
        }
        try (OnnxTensor in = OnnxGraph.floats(env, chunk, new long[] {b, dims[1], dims[2], dims[3]},
                OnnxJavaType.FLOAT, file, input)) {
            return run(in, b);
        } catch (OrtException e) {
            throw new IllegalStateException(file + ": ONNX Runtime failed: " + e.getMessage(), e);
        }
    }

    /** Embeddings of token-id rows (each {@code length} ids). */
    public float[][] embedTokens(int[][] ids) {
        int length = Math.toIntExact(dims[1]);
        LongBuffer buf = LongBuffer.allocate(ids.length * length);
        for (int r = 0; r < ids.length; r++) {
            if (ids[r].length != length) {
                throw new IllegalArgumentException(file + ": row " + r + " has " + ids[r].length + " ids, expected "
                        + length);
            }
            for (int id : ids[r]) {
                buf.put(id);
            }
        }
        try (OnnxTensor in = OnnxTensor.createTensor(env, buf.flip(), new long[] {ids.length, length})) {
            return run(in, ids.length);
        } catch (OrtException e) {
            throw new IllegalStateException(file + ": ONNX Runtime failed: " + e.getMessage(), e);
        }
    }

    private float[][] run(OnnxTensor in, int b) throws OrtException {
        try (OrtSession.Result r = session.run(Map.of(input, in))) {
            OnnxValue v = r.get(output).orElseThrow();
            if (!(v instanceof OnnxTensor t) || t.getInfo().getShape().length != 2 || t.getInfo().getShape()[0] != b) {
                throw new IllegalArgumentException(file + ": output " + output + " is " + v.getInfo() + "; expected ["
                        + b + ", dim]");
            }
            float[] all = OnnxGraph.readFloats(t, file, output);
            int e = all.length / b;
            float[][] out = new float[b][];
            for (int i = 0; i < b; i++) {
                out[i] = java.util.Arrays.copyOfRange(all, i * e, (i + 1) * e);
                for (int j = 0; j < e; j++) {
                    if (!Float.isFinite(out[i][j])) {
                        throw new IllegalStateException(file + ": row " + i + " of the embedding has " + out[i][j]
                                + " at " + j);
                    }
                }
            }
            return out;
        }
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
