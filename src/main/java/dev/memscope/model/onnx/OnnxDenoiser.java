package dev.memscope.model.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.memscope.model.Condition;
import dev.memscope.model.Denoiser;
import dev.memscope.model.PredictionType;
import dev.memscope.tensor.Shape;
import dev.memscope.tensor.TensorF32;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A diffusers-style UNet exported to ONNX ({@code sample [B, C, H, W]}, {@code timestep},
 * {@code encoder_hidden_states [B, L, E]} to the model output), with its CLIP tokenizer and text encoder.
 *
 * <p>Checked when opened: the three input names, their ranks, and every static dimension against the tokenizer
 * length L and the text encoder's hidden size E. The timestep's element type and rank are read from the model
 * (optimum exports int64 {@code [B]}; older diffusers scripts float32; fp16 exports float16): a rank-1 timestep
 * with static size 1 gets {@code [t]}, otherwise one copy per sample.
 *
 * <p>{@link #predict} runs the samples it is given (a detector passes unconditional and conditional latents of a
 * guidance pair together) in chunks of at most {@code maxBatch} per ONNX call. The empty-prompt embedding is
 * computed once at open and serves {@link Condition#NULL}.
 *
 * <p>A folder that also holds the reverse-mode graph ({@code unet_vjp.onnx}, the testbed's) opens as the subclass
 * {@link OnnxVjpDenoiser}, which adds the vector-Jacobian products; every other export stays forward-only.
 */
public sealed class OnnxDenoiser implements Denoiser permits OnnxVjpDenoiser {
    private static final String SAMPLE = "sample";
    private static final String TIMESTEP = "timestep";
    private static final String STATES = "encoder_hidden_states";

    private final OrtEnvironment env;
    private final Path file;
    private final OrtSession session;
    private final OnnxTextEncoder textEncoder;
    private final ClipTokenizer tokenizer;
    private final PredictionType predictionType;
    private final int channels;
    private final int height;
    private final int width;
    private final int hidden;
    private final int maxBatch;
    private final OnnxJavaType sampleType;
    private final OnnxJavaType statesType;
    private final OnnxJavaType timestepType;
    private final long[] timestepDims;
    private final String output;
    /** The graph's cross-attention probability outputs ({@code attn_*}, {@code [B, HW, T]}), in graph order. */
    private final java.util.List<String> attentionOutputs;
    private final float[] nullEmbedding;
    /** The cross-attention key-control inputs (Ren et al.'s mitigation), or null for a graph without them. */
    private final KeyControlInputs keyControl;

    OnnxDenoiser(OrtEnvironment env, OnnxLayout layout, OrtSession.SessionOptions opts, int maxBatch,
            ClipTokenizer tokenizer, OnnxTextEncoder textEncoder, ModelConfig config) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("ONNX max batch must be >= 1, got " + maxBatch);
        }
        this.env = env;
        this.file = layout.unet();
        this.tokenizer = tokenizer;
        this.textEncoder = textEncoder;
        this.maxBatch = maxBatch;
        this.predictionType = config.predictionType();
        this.nullEmbedding = embed(new String[] {""})[0];
        int length = tokenizer.maxLength();
        if (nullEmbedding.length % length != 0) {
            throw new IllegalArgumentException(textEncoder.file() + ": output of " + nullEmbedding.length
                    + " values per prompt is not a multiple of the tokenizer length " + length);
        }
        this.hidden = nullEmbedding.length / length;
        this.session = OnnxGraph.open(env, file, opts, "UNet");
        try {
            Map<String, NodeInfo> inputs = OnnxGraph.inputs(session);
            if (!inputs.keySet().containsAll(java.util.List.of(SAMPLE, TIMESTEP, STATES))) {
                throw new IllegalArgumentException(file + ": a diffusers UNet export has the inputs sample, "
                        + "timestep, encoder_hidden_states; this model has " + inputs.keySet());
            }
            TensorInfo sample = OnnxGraph.tensorInfo(file, SAMPLE, inputs.get(SAMPLE));
            TensorInfo states = OnnxGraph.tensorInfo(file, STATES, inputs.get(STATES));
            TensorInfo timestep = OnnxGraph.tensorInfo(file, TIMESTEP, inputs.get(TIMESTEP));
            long[] s = sample.getShape();
            if (s.length != 4) {
                throw new IllegalArgumentException(file + ": input sample has shape " + OnnxGraph.shape(s)
                        + "; expected rank 4 [batch, channels, height, width]");
            }
            channels = dim(s[1], config.inChannels(), "channels", "in_channels");
            height = dim(s[2], config.sampleSize(), "height", "sample_size");
            width = dim(s[3], config.sampleSize(), "width", "sample_size");
            long[] e = states.getShape();
            if (e.length != 3 || (e[1] > 0 && e[1] != length) || (e[2] > 0 && e[2] != hidden)) {
                throw new IllegalArgumentException(file + ": input encoder_hidden_states has shape "
                        + OnnxGraph.shape(e) + "; the tokenizer (" + tokenizer.folder() + ") and text encoder ("
                        + textEncoder.file() + ") give [batch, " + length + ", " + hidden + "]");
            }
            sampleType = sample.type;
            statesType = states.type;
            checkFloat(SAMPLE, sampleType);
            checkFloat(STATES, statesType);
            timestepType = timestep.type;
            timestepDims = timestep.getShape();
            if (!(timestepType == OnnxJavaType.INT64 || timestepType == OnnxJavaType.INT32
                    || timestepType == OnnxJavaType.FLOAT || timestepType == OnnxJavaType.FLOAT16)) {
                throw new IllegalArgumentException(file + ": input timestep has element type " + timestepType
                        + "; int64, int32, float32 or float16 expected");
            }
            if (timestepDims.length > 1) {
                throw new IllegalArgumentException(file + ": input timestep has shape "
                        + OnnxGraph.shape(timestepDims) + "; expected a scalar or [batch]");
            }
            Map<String, NodeInfo> outputs = OnnxGraph.outputs(session);
            // diffusers names the noise prediction out_sample; graphs may add outputs after it (the testbed's
            // cross-attention probabilities), which predict() neither requests nor reads
            output = outputs.containsKey("out_sample") ? "out_sample" : outputs.keySet().iterator().next();
            // the testbed's export names its cross-attention probabilities attn_<layer>; a graph without them
            // (every diffusers export) has no attention capability
            java.util.List<String> attn = new java.util.ArrayList<>();
            for (var o : outputs.entrySet()) {
                if (o.getKey().startsWith("attn_")) {
                    long[] d = OnnxGraph.tensorInfo(file, o.getKey(), o.getValue()).getShape();
                    if (d.length != 3 || (d[2] > 0 && d[2] != length)) {
                        throw new IllegalArgumentException(file + ": output " + o.getKey() + " has shape "
                                + OnnxGraph.shape(d) + "; a cross-attention map is [batch, pixels, " + length + "]");
                    }
                    attn.add(o.getKey());
                }
            }
            attentionOutputs = java.util.List.copyOf(attn);
            keyControl = KeyControlInputs.of(file, inputs, length);
        } catch (RuntimeException ex) {
            closeQuietly();
            throw ex;
        }
    }

    private int dim(long fromModel, int fromConfig, String what, String key) {
        if (fromModel > 0) {
            return Math.toIntExact(fromModel);
        }
        if (fromConfig > 0) {
            return fromConfig;
        }
        throw new IllegalArgumentException(file + ": the sample " + what + " is dynamic in the model and no UNet "
                + "config.json next to it gives " + key);
    }

    private void checkFloat(String input, OnnxJavaType type) {
        if (type != OnnxJavaType.FLOAT && type != OnnxJavaType.FLOAT16) {
            throw new IllegalArgumentException(file + ": input " + input + " has element type " + type
                    + "; float32 or float16 expected");
        }
    }

    public Path file() {
        return file;
    }

    /** The timestep element type the model declares (what {@link #predict} converts {@code t} to). */
    public OnnxJavaType timestepType() {
        return timestepType;
    }

    /** Text hidden size E. */
    public int hiddenSize() {
        return hidden;
    }

    public ClipTokenizer tokenizer() {
        return tokenizer;
    }

    /** Samples per ONNX call. */
    final int maxBatch() {
        return maxBatch;
    }

    final OrtEnvironment env() {
        return env;
    }

    final OnnxJavaType sampleType() {
        return sampleType;
    }

    final OnnxJavaType statesType() {
        return statesType;
    }

    /** The flattened {@code [L * E]} text states of each prompt, one text-encoder call per maxBatch prompts. */
    public float[][] embed(String[] prompts) {
        float[][] out = new float[prompts.length][];
        for (int from = 0; from < prompts.length; from += maxBatch) {
            int to = Math.min(prompts.length, from + maxBatch);
            int[][] ids = new int[to - from][];
            for (int i = from; i < to; i++) {
                ids[i - from] = tokenizer.encode(prompts[i]);
            }
            float[][] chunk = textEncoder.encode(ids);
            System.arraycopy(chunk, 0, out, from, chunk.length);
        }
        return out;
    }

    @Override
    public PredictionType predictionType() {
        return predictionType;
    }

    @Override
    public int channels() {
        return channels;
    }

    @Override
    public int height() {
        return height;
    }

    @Override
    public int width() {
        return width;
    }

    @Override
    public Condition condition(String prompt) {
        if (prompt == null || prompt.isEmpty()) {
            return Condition.NULL;
        }
        return Condition.of(embed(new String[] {prompt})[0], prompt);
    }

    @Override
    public void predict(TensorF32 xt, int t, Condition[] conditions, TensorF32 out) {
        int[] ts = new int[xt.batch()];
        Arrays.fill(ts, t);
        predictAt(xt, ts, conditions, out);
    }

    /**
     * One session run per maxBatch latents even when their timesteps differ, where the model takes a timestep per
     * sample ({@code [batch]}); a scalar or {@code [1]} timestep falls back to one run per timestep.
     */
    @Override
    public void predict(TensorF32 xt, int[] timesteps, Condition[] conditions, TensorF32 out) {
        if (timestepDims.length == 0 || timestepDims[0] == 1) {
            Denoiser.super.predict(xt, timesteps, conditions, out);
            return;
        }
        if (timesteps.length != xt.batch()) {
            throw new IllegalArgumentException(timesteps.length + " timesteps for " + xt.batch() + " latents");
        }
        predictAt(xt, timesteps, conditions, out);
    }

    private void predictAt(TensorF32 xt, int[] ts, Condition[] conditions, TensorF32 out) {
        Shape shape = xt.shape();
        if (shape.channels() != channels || shape.height() != height || shape.width() != width) {
            throw new IllegalArgumentException("x_t has shape " + shape + "; " + file + " takes [B, " + channels
                    + ", " + height + ", " + width + "]");
        }
        if (!out.shape().equals(shape)) {
            throw new IllegalArgumentException("out has shape " + out.shape() + ", x_t " + shape);
        }
        if (out.data() == xt.data()) {
            throw new IllegalArgumentException("out must not alias x_t");
        }
        if (conditions.length != shape.batch()) {
            throw new IllegalArgumentException(conditions.length + " conditions for " + shape.batch() + " latents");
        }
        int per = shape.sampleSize();
        int states = tokenizer.maxLength() * hidden;
        for (int from = 0; from < shape.batch(); from += maxBatch) {
            int b = Math.min(shape.batch(), from + maxBatch) - from;
            float[] x = Arrays.copyOfRange(xt.data(), from * per, (from + b) * per);
            float[] e = new float[b * states];
            for (int i = 0; i < b; i++) {
                float[] emb = embedding(conditions[from + i]);
                System.arraycopy(emb, 0, e, i * states, states);
            }
            int[] tb = Arrays.copyOfRange(ts, from, from + b);
            KeyControlInputs.refuseIfAsked(keyControl, file, conditions, from, b);
            float[] y = run(x, e, b, tb, conditions, from);
            for (int i = 0; i < y.length; i++) {
                if (!Float.isFinite(y[i])) {
                    throw new IllegalStateException(file + " returned " + y[i] + " at "
                            + shape.locate(from * per + i) + " (t = " + tb[i / per] + ", "
                            + conditions[from + i / per] + ")");
                }
            }
            System.arraycopy(y, 0, out.data(), from * per, y.length);
        }
    }

    /** Every prompt's states through the text encoder in calls of maxBatch prompts, not one call per prompt. */
    @Override
    public Condition[] conditions(java.util.List<String> prompts) {
        Condition[] out = new Condition[prompts.size()];
        java.util.List<Integer> real = new java.util.ArrayList<>();
        for (int i = 0; i < out.length; i++) {
            String p = prompts.get(i);
            if (p == null || p.isEmpty()) {
                out[i] = Condition.NULL;
            } else {
                real.add(i);
            }
        }
        String[] texts = new String[real.size()];
        for (int k = 0; k < texts.length; k++) {
            texts[k] = prompts.get(real.get(k));
        }
        float[][] emb = embed(texts);
        for (int k = 0; k < texts.length; k++) {
            out[real.get(k)] = Condition.of(emb[k], texts[k]);
        }
        return out;
    }

    /** The text states a condition stands for: its embedding, or the empty prompt's for {@link Condition#NULL}. */
    final float[] embedding(Condition c) {
        if (c.isNull()) {
            return nullEmbedding;
        }
        float[] emb = c.embedding();
        if (emb.length != tokenizer.maxLength() * hidden) {
            throw new IllegalArgumentException(c + " has an embedding of " + emb.length + " values; " + file
                    + " takes " + tokenizer.maxLength() + " x " + hidden);
        }
        return emb;
    }

    @Override
    public java.util.Optional<dev.memscope.model.AttentionKeyControl> attentionKeyControl() {
        if (keyControl == null) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new dev.memscope.model.AttentionKeyControl() {
            @Override
            public int keys() {
                return keyControl.keys();
            }

            @Override
            public int promptKeys(String prompt) {
                return Math.min(tokenizer.tokens(prompt).length, tokenizer.maxLength() - 2) + 2;
            }
        });
    }

    @Override
    public java.util.Optional<dev.memscope.model.CrossAttention> crossAttention() {
        return attentionOutputs.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(this::attention);
    }

    /** Every {@code attn_*} output for these latents, chunked by maxBatch like {@link #predict}. */
    private dev.memscope.model.CrossAttention.AttentionMaps attention(TensorF32 xt, int t, Condition[] conditions) {
        Shape shape = xt.shape();
        if (shape.channels() != channels || shape.height() != height || shape.width() != width
                || conditions.length != shape.batch()) {
            throw new IllegalArgumentException("x_t has shape " + shape + " with " + conditions.length
                    + " conditions; " + file + " takes [B, " + channels + ", " + height + ", " + width
                    + "] and one condition per latent");
        }
        int n = shape.batch();
        int per = shape.sampleSize();
        int states = tokenizer.maxLength() * hidden;
        int layers = attentionOutputs.size();
        float[][] maps = new float[layers][];
        int[] pixels = new int[layers];
        for (int from = 0; from < n; from += maxBatch) {
            int b = Math.min(n, from + maxBatch) - from;
            float[] x = Arrays.copyOfRange(xt.data(), from * per, (from + b) * per);
            float[] e = new float[b * states];
            for (int i = 0; i < b; i++) {
                System.arraycopy(embedding(conditions[from + i]), 0, e, i * states, states);
            }
            KeyControlInputs.refuseIfAsked(keyControl, file, conditions, from, b);
            float[][] chunk = runAttention(x, e, b, t, conditions, from);
            for (int l = 0; l < layers; l++) {
                int perSample = chunk[l].length / b;
                if (maps[l] == null) {
                    maps[l] = new float[n * perSample];
                    pixels[l] = perSample / tokenizer.maxLength();
                }
                System.arraycopy(chunk[l], 0, maps[l], from * perSample, chunk[l].length);
            }
        }
        return new dev.memscope.model.CrossAttention.AttentionMaps(attentionOutputs, java.util.List.of(maps), pixels,
                n, tokenizer.maxLength());
    }

    private float[][] runAttention(float[] x, float[] e, int b, int t, Condition[] conditions, int from) {
        Map<String, OnnxTensor> in = new HashMap<>();
        try {
            in.put(SAMPLE, OnnxGraph.floats(env, x, new long[] {b, channels, height, width}, sampleType, file, SAMPLE));
            in.put(STATES, OnnxGraph.floats(env, e, new long[] {b, tokenizer.maxLength(), hidden}, statesType, file,
                    STATES));
            in.put(TIMESTEP, OnnxGraph.timestep(env, timestepType, timestepDims, t, b));
            if (keyControl != null) {
                keyControl.put(env, in, conditions, from, b);
            }
            try (OrtSession.Result r = session.run(in, new java.util.LinkedHashSet<>(attentionOutputs))) {
                float[][] out = new float[attentionOutputs.size()][];
                for (int l = 0; l < out.length; l++) {
                    String name = attentionOutputs.get(l);
                    OnnxValue v = r.get(name).orElseThrow(() -> new IllegalStateException(file + ": no " + name));
                    long rows = (long) b * tokenizer.maxLength();
                    if (!(v instanceof OnnxTensor y) || y.getInfo().getNumElements() % rows != 0) {
                        throw new IllegalArgumentException(file + ": output " + name + " is " + v.getInfo()
                                + "; expected [" + b + ", pixels, " + tokenizer.maxLength() + "]");
                    }
                    out[l] = OnnxGraph.readFloats(y, file, name);
                    for (float a : out[l]) {
                        if (!(a >= 0 && a <= 1.0001f)) {
                            throw new IllegalStateException(file + ": output " + name + " holds " + a
                                    + " at t = " + t + "; attention probabilities lie in [0, 1]");
                        }
                    }
                }
                return out;
            }
        } catch (OrtException ex) {
            throw new IllegalStateException(file + ": ONNX Runtime failed on a batch of " + b + " at t = " + t
                    + ": " + ex.getMessage(), ex);
        } finally {
            in.values().forEach(OnnxTensor::close);
        }
    }

    private float[] run(float[] x, float[] e, int b, int[] ts, Condition[] conditions, int from) {
        int t = ts[0];
        Map<String, OnnxTensor> in = new HashMap<>();
        try {
            in.put(SAMPLE, OnnxGraph.floats(env, x, new long[] {b, channels, height, width}, sampleType, file, SAMPLE));
            in.put(STATES, OnnxGraph.floats(env, e, new long[] {b, tokenizer.maxLength(), hidden}, statesType, file,
                    STATES));
            in.put(TIMESTEP, OnnxGraph.timestep(env, timestepType, timestepDims, ts));
            if (keyControl != null) {
                keyControl.put(env, in, conditions, from, b);
            }
            try (OrtSession.Result r = session.run(in, java.util.Set.of(output))) {
                OnnxValue v = r.get(0);
                if (!(v instanceof OnnxTensor y) || y.getInfo().getNumElements() != x.length) {
                    throw new IllegalArgumentException(file + ": output " + output + " is " + v.getInfo()
                            + "; expected the shape of sample [" + b + ", " + channels + ", " + height + ", "
                            + width + "]");
                }
                return OnnxGraph.readFloats(y, file, output);
            }
        } catch (OrtException ex) {
            throw new IllegalStateException(file + ": ONNX Runtime failed on a batch of " + b + " at t = " + t
                    + (ts.length > 1 && ts[ts.length - 1] != t ? ".." + ts[ts.length - 1] : "") + ": "
                    + ex.getMessage(), ex);
        } finally {
            in.values().forEach(OnnxTensor::close);
        }
    }

    private void closeQuietly() {
        try {
            if (session != null) {
                session.close();
            }
        } catch (OrtException ignored) {
            // already failing with a clearer error
        }
    }

    @Override
    public void close() {
        closeQuietly();
        textEncoder.close();
    }
}
