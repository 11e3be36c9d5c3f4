package dev.memscope.jmh;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import dev.memscope.model.onnx.ClipTokenizer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The passes of anisotropy on {@code prompts} testbed prompts through bare ONNX Runtime sessions
 * (default CPU options on one global intra-op thread pool that both sessions share, as MemScope opens them since
 * OnnxEnvironment; before, each session had its own pool and this bench did too): tokenize, one text-encoder run for the empty prompt and the
 * prompts, then one UNet run on one unconditional and p conditional copies of one x_T at t = 981 and at t = 41
 * (2 passes per prompt plus 2 per call, a timestep per sample, as MemScope's anisotropy batches them since it shares
 * the unconditional pass), reading out_sample only. No norms, no checks: the floor MemScope's anisotropy row is
 * compared with.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
@State(Scope.Benchmark)
public class TestbedBareOrtBench {
    private OrtEnvironment env;
    private OrtSession text;
    private OrtSession unet;
    private ClipTokenizer tokenizer;
    @Param({"4", "16"})
    public int prompts;

    private List<String> promptList;
    private float[] xT;
    private int sample;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        promptList = TestbedPrompts.first(prompts);
        try (OrtEnvironment.ThreadingOptions t = new OrtEnvironment.ThreadingOptions()) {
            env = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING,
                    OrtEnvironment.DEFAULT_NAME, t);
        }
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.disablePerSessionThreads();
            text = env.createSession(TestbedPrompts.ONNX.resolve("text_encoder.onnx").toString(), opts);
            unet = env.createSession(TestbedPrompts.ONNX.resolve("unet.onnx").toString(), opts);
        }
        tokenizer = ClipTokenizer.load(TestbedPrompts.ONNX);
        sample = 3 * 16 * 16;
        xT = new float[sample];
        Random r = new Random(20240);
        for (int i = 0; i < sample; i++) {
            xT[i] = (float) r.nextGaussian();
        }
    }

    /** Milliseconds per invocation, as in {@link TestbedBench}. */
    @Benchmark
    public float anisotropyPasses() throws OrtException {
        int p = promptList.size();
        int len = tokenizer.maxLength();
        long[] ids = new long[(p + 1) * len];
        int[] empty = tokenizer.encode("");
        for (int j = 0; j < len; j++) {
            ids[j] = empty[j];
        }
        for (int i = 0; i < p; i++) {
            int[] t = tokenizer.encode(promptList.get(i));
            for (int j = 0; j < len; j++) {
                ids[(i + 1) * len + j] = t[j];
            }
        }
        float[] states;
        long[] stateShape;
        try (OnnxTensor in = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), new long[] {p + 1, len});
             OrtSession.Result res = text.run(Map.of("input_ids", in))) {
            OnnxTensor out = (OnnxTensor) res.get(0);
            stateShape = out.getInfo().getShape();
            FloatBuffer fb = out.getFloatBuffer();
            states = new float[fb.remaining()];
            fb.get(states);
        }
        int per = (int) (stateShape[1] * stateShape[2]);
        // one UNet run of [u; c_1..c_p] at t = 981 then the same at t = 41, as MemScope batches them
        int b = 2 * (p + 1);
        float[] ehs = new float[b * per];
        float[] x = new float[b * sample];
        long[] ts = new long[b];
        for (int half = 0; half < 2; half++) {
            int off = half * (p + 1);
            System.arraycopy(states, 0, ehs, off * per, (p + 1) * per);   // the empty prompt, then the p prompts
            java.util.Arrays.fill(ts, off, off + p + 1, half == 0 ? 981 : 41);
        }
        for (int i = 0; i < b; i++) {
            System.arraycopy(xT, 0, x, i * sample, sample);
        }
        float acc = 0;
        // the graph's cross-attention key controls are required inputs: ones and zeros leave it unchanged
        float[] ones = new float[len];
        java.util.Arrays.fill(ones, 1f);
        try (OnnxTensor xs = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {b, 3, 16, 16});
             OnnxTensor tt = OnnxTensor.createTensor(env, LongBuffer.wrap(ts), new long[] {b});
             OnnxTensor es = OnnxTensor.createTensor(env, FloatBuffer.wrap(ehs),
                     new long[] {b, stateShape[1], stateShape[2]});
             OnnxTensor ks = OnnxTensor.createTensor(env, FloatBuffer.wrap(ones), new long[] {1, len});
             OnnxTensor kb = OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[len]), new long[] {1, len});
             OrtSession.Result res = unet.run(Map.of("sample", xs, "timestep", tt, "encoder_hidden_states", es,
                     "attn_key_scale", ks, "attn_key_bias", kb), Set.of("out_sample"))) {
            acc += ((OnnxTensor) res.get(0)).getFloatBuffer().get(0);
        }
        return acc;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws OrtException {
        unet.close();
        text.close();
    }
}
