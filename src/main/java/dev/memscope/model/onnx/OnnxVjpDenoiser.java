package dev.memscope.model.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.memscope.model.Condition;
import dev.memscope.model.EmbeddingGradientDenoiser;
import dev.memscope.model.LatentVjpDenoiser;
import dev.memscope.tensor.Shape;
import dev.memscope.tensor.TensorF32;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An ONNX UNet with its reverse-mode graph ({@link OnnxLayout#unetVjp()}, scripts/testbed/vjp.py): exact
 * vector-Jacobian products of the noise prediction with respect to the latent ({@link LatentVjpDenoiser}, SAIL) and
 * to the text states ({@link EmbeddingGradientDenoiser}, Wen et al.), in float32 by ONNX Runtime.
 *
 * <p>The graph takes {@code sample}, {@code timestep}, {@code encoder_hidden_states} and {@code cotangent} and
 * returns {@code out_sample}, {@code grad_sample} ({@code J_x^T v}) and {@code grad_encoder_hidden_states}
 * ({@code J_c^T v}); one call gives both gradients. It is opened on the first product, so runs that never
 * differentiate pay nothing for it. The embedding is the text states {@code [L, E]} flattened, as {@link #embed}
 * gives them; {@link Condition#NULL} stands for the empty prompt's states and is differentiated like any other.
 */
public final class OnnxVjpDenoiser extends OnnxDenoiser implements EmbeddingGradientDenoiser, LatentVjpDenoiser {
    static final String COTANGENT = "cotangent";
    static final String GRAD_SAMPLE = "grad_sample";
    static final String GRAD_STATES = "grad_encoder_hidden_states";
    private static final List<String> INPUTS = List.of("sample", "timestep", "encoder_hidden_states", COTANGENT);

    private final Path vjpFile;
    private final OnnxProvider provider;
    private OrtSession vjp;
    private OnnxJavaType timestepType;
    private long[] timestepDims;

    OnnxVjpDenoiser(ai.onnxruntime.OrtEnvironment env, OnnxLayout layout, OrtSession.SessionOptions opts,
            int maxBatch, ClipTokenizer tokenizer, OnnxTextEncoder textEncoder, ModelConfig config, Path vjpFile,
            OnnxProvider provider) {
        super(env, layout, opts, maxBatch, tokenizer, textEncoder, config);
        this.vjpFile = vjpFile;
        this.provider = provider;
    }

    /** The reverse-mode graph's file. */
    public Path vjpFile() {
        return vjpFile;
    }

    @Override
    public Condition condition(float[] embedding, String label) {
        int n = tokenizer().maxLength() * hiddenSize();
        if (embedding == null || embedding.length != n) {
            throw new IllegalArgumentException("condition '" + label + "': embedding has "
                    + (embedding == null ? "no" : String.valueOf(embedding.length)) + " values; " + file()
                    + " takes " + tokenizer().maxLength() + " x " + hiddenSize() + " text states");
        }
        return Condition.of(embedding, label);
    }

    @Override
    public void latentVjp(TensorF32 xt, int t, Condition[] conditions, TensorF32 v, TensorF32 out) {
        check(xt, conditions, v);
        if (out == null || !out.shape().equals(xt.shape())) {
            throw new IllegalArgumentException("latent vjp: out has shape " + (out == null ? null : out.shape())
                    + ", x_t " + xt.shape());
        }
        if (out.data() == xt.data() || out.data() == v.data()) {
            throw new IllegalArgumentException("latent vjp: out must alias neither x_t nor v");
        }
        run(xt, t, conditions, v, out.data(), null);
    }

    @Override
    public void embeddingVjp(TensorF32 xt, int t, Condition[] conditions, TensorF32 v, float[] out) {
        check(xt, conditions, v);
        int e = tokenizer().maxLength() * hiddenSize();
        if (out == null || out.length != (long) xt.batch() * e) {
            throw new IllegalArgumentException("embedding vjp: out has " + (out == null ? 0 : out.length)
                    + " floats, expected B x E = " + xt.batch() + " x " + e);
        }
        run(xt, t, conditions, v, null, out);
    }

    private void check(TensorF32 xt, Condition[] conditions, TensorF32 v) {
        Shape shape = xt.shape();
        if (shape.channels() != channels() || shape.height() != height() || shape.width() != width()) {
            throw new IllegalArgumentException("x_t has shape " + shape + "; " + vjpFile + " takes [B, " + channels()
                    + ", " + height() + ", " + width() + "]");
        }
        if (conditions.length != shape.batch()) {
            throw new IllegalArgumentException(conditions.length + " conditions for " + shape.batch() + " latents");
        }
        if (v == null || !v.shape().equals(shape)) {
            throw new IllegalArgumentException("vjp: the cotangent has shape " + (v == null ? null : v.shape())
                    + ", x_t " + shape);
        }
        float[] u = v.data();
        for (int i = 0; i < u.length; i++) {
            if (!Float.isFinite(u[i])) {
                throw new IllegalArgumentException("vjp: the cotangent holds " + u[i] + " at " + shape.locate(i));
            }
        }
    }

    /** One graph call per maxBatch samples; fills whichever of {@code gradSample}, {@code gradStates} is non-null. */
    private void run(TensorF32 xt, int t, Condition[] conditions, TensorF32 v, float[] gradSample,
            float[] gradStates) {
        OrtSession s = session();
        int per = xt.shape().sampleSize();
        int states = tokenizer().maxLength() * hiddenSize();
        int n = xt.batch();
        Set<String> wanted = gradSample != null ? Set.of(GRAD_SAMPLE) : Set.of(GRAD_STATES);
        for (int from = 0; from < n; from += maxBatch()) {
            int b = Math.min(n, from + maxBatch()) - from;
            float[] e = new float[b * states];
            for (int i = 0; i < b; i++) {
                System.arraycopy(embedding(conditions[from + i]), 0, e, i * states, states);
            }
            long[] image = {b, channels(), height(), width()};
            Map<String, OnnxTensor> in = new HashMap<>();
            try {
                in.put("sample", OnnxGraph.floats(env(), Arrays.copyOfRange(xt.data(), from * per, (from + b) * per),
                        image, sampleType(), vjpFile, "sample"));
                in.put("encoder_hidden_states", OnnxGraph.floats(env(), e,
                        new long[] {b, tokenizer().maxLength(), hiddenSize()}, statesType(), vjpFile,
                        "encoder_hidden_states"));
                in.put(COTANGENT, OnnxGraph.floats(env(), Arrays.copyOfRange(v.data(), from * per, (from + b) * per),
                        image, sampleType(), vjpFile, COTANGENT));
                in.put("timestep", OnnxGraph.timestep(env(), timestepType, timestepDims, t, b));
                try (OrtSession.Result r = s.run(in, wanted)) {
                    if (gradSample != null) {
                        copy(r, GRAD_SAMPLE, b * per, gradSample, from * per, t);
                    } else {
                        copy(r, GRAD_STATES, b * states, gradStates, from * states, t);
                    }
                }
            } catch (OrtException ex) {
                throw new IllegalStateException(vjpFile + ": ONNX Runtime failed on a batch of " + b + " at t = " + t
                        + ": " + ex.getMessage(), ex);
            } finally {
                in.values().forEach(OnnxTensor::close);
            }
        }
    }

    private void copy(OrtSession.Result r, String name, int count, float[] to, int at, int t) {
        OnnxValue v = r.get(name).orElseThrow(() -> new IllegalStateException(vjpFile + ": no output " + name));
        if (!(v instanceof OnnxTensor y) || y.getInfo().getNumElements() != count) {
            throw new IllegalArgumentException(vjpFile + ": output " + name + " is " + v.getInfo() + "; expected "
                    + count + " values");
        }
        float[] g = OnnxGraph.readFloats(y, vjpFile, name);
        for (int i = 0; i < g.length; i++) {
            if (!Float.isFinite(g[i])) {
                throw new IllegalStateException(vjpFile + ": output " + name + " holds " + g[i] + " at index " + i
                        + " (t = " + t + ")");
            }
        }
        System.arraycopy(g, 0, to, at, count);
    }

    /** Opens the graph on first use and checks its inputs and outputs against the forward UNet's. */
    private synchronized OrtSession session() {
        if (vjp != null) {
            return vjp;
        }
        // the provider's fallback note was printed when the forward graph opened
        try (OrtSession.SessionOptions opts = OnnxOpener.options(provider,
                new PrintStream(OutputStream.nullOutputStream()))) {
            OrtSession s = OnnxGraph.open(env(), vjpFile, opts, "UNet VJP graph");
            try {
                Map<String, NodeInfo> inputs = OnnxGraph.inputs(s);
                if (!inputs.keySet().containsAll(INPUTS)) {
                    throw new IllegalArgumentException(vjpFile + ": a UNet VJP graph has the inputs " + INPUTS
                            + "; this one has " + inputs.keySet());
                }
                if (!OnnxGraph.outputs(s).keySet().containsAll(List.of(GRAD_SAMPLE, GRAD_STATES))) {
                    throw new IllegalArgumentException(vjpFile + ": a UNet VJP graph has the outputs " + GRAD_SAMPLE
                            + " and " + GRAD_STATES + "; this one has " + OnnxGraph.outputs(s).keySet());
                }
                for (String name : List.of("sample", COTANGENT, "encoder_hidden_states")) {
                    TensorInfo info = OnnxGraph.tensorInfo(vjpFile, name, inputs.get(name));
                    OnnxJavaType want = name.equals("encoder_hidden_states") ? statesType() : sampleType();
                    if (info.type != want) {
                        throw new IllegalArgumentException(vjpFile + ": input " + name + " has element type "
                                + info.type + "; the UNet " + file() + " takes " + want);
                    }
                }
                TensorInfo ts = OnnxGraph.tensorInfo(vjpFile, "timestep", inputs.get("timestep"));
                timestepType = ts.type;
                timestepDims = ts.getShape();
                if (timestepDims.length > 1 || !(timestepType == OnnxJavaType.INT64
                        || timestepType == OnnxJavaType.INT32 || timestepType == OnnxJavaType.FLOAT)) {
                    throw new IllegalArgumentException(vjpFile + ": input timestep is " + timestepType + " "
                            + OnnxGraph.shape(timestepDims) + "; int64, int32 or float32, scalar or [batch]");
                }
            } catch (RuntimeException ex) {
                try {
                    s.close();
                } catch (OrtException ignored) {
                    // already failing with a clearer error
                }
                throw ex;
            }
            vjp = s;
            return s;
        } catch (OrtException ex) {
            throw new IllegalStateException("ONNX Runtime: " + ex.getMessage(), ex);
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (vjp != null) {
                try {
                    vjp.close();
                } catch (OrtException ignored) {
                    // closing; nothing to recover
                }
                vjp = null;
            }
        }
        super.close();
    }
}
