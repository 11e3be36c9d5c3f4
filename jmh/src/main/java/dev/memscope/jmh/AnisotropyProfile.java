package dev.memscope.jmh;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.memscope.detect.AnisotropyDetector;
import dev.memscope.detect.DetectionContext;
import dev.memscope.detect.Detector;
import dev.memscope.detect.WenDetector;
import dev.memscope.diffusion.DdimSampler;
import dev.memscope.kernels.Backends;
import dev.memscope.kernels.ScoreKernels;
import dev.memscope.model.Condition;
import dev.memscope.model.onnx.OnnxDenoiser;
import dev.memscope.model.onnx.OnnxLayout;
import dev.memscope.model.onnx.OnnxModels;
import dev.memscope.model.onnx.OnnxProvider;
import dev.memscope.progress.Progress;
import dev.memscope.tensor.TensorF32;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A plain timing harness (not JMH) for where anisotropy's time goes on the testbed and for ONNX Runtime threading
 * options, A/B interleaved in one JVM because the machine it was written on is shared and noisy. Run from the
 * repository root with the main classes and their dependencies on the class path:
 * <pre>
 *   java -cp jmh/target/profile:target/classes:$(deps) dev.memscope.jmh.AnisotropyProfile breakdown REPEATS
 *   java ... AnisotropyProfile ab REPEATS CONFIG...      CONFIG: label[:property=value[;property=value]]
 * </pre>
 * {@code breakdown} times the pieces of one anisotropy call at 4 and 16 prompts (text encoder, the one UNet call
 * through MemScope and bare on prebuilt tensors, tensor creation, noise, score kernels). {@code ab} opens one model
 * per configuration (system properties set while it opens; the process's environment, and with it the global pool
 * and its spinning, is created at the first open, so -Dmemscope.onnx.spinning=false applies to the whole run) and times anisotropy at 4 and 16 prompts and the first
 * 5 DDIM steps of wen-full at 4 prompts (batch 32, 40 passes per prompt), round-robin. Medians of the repeats.
 */
public final class AnisotropyProfile {
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    private AnisotropyProfile() {
    }

    public static void main(String[] args) throws Exception {
        int repeats = Integer.parseInt(args[1]);
        if (args[0].equals("breakdown")) {
            breakdown(repeats);
        } else {
            ab(repeats, Arrays.copyOfRange(args, 2, args.length));
        }
    }

    private static OnnxDenoiser open() throws Exception {
        return OnnxModels.open(OnnxLayout.of(TestbedPrompts.ONNX), OnnxProvider.parse("cpu"), 64, QUIET);
    }

    private static void breakdown(int repeats) throws Exception {
        OnnxDenoiser model = open();   // first: MemScope creates the environment and its shared pool
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        ScoreKernels kernels = Backends.create("cpu");
        DetectionContext ctx = new DetectionContext(model, kernels, 64, Progress.NONE);
        Detector det = new AnisotropyDetector();
        OrtSession bare;
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.disablePerSessionThreads();   // the shared pool, as MemScope's sessions
            bare = env.createSession(TestbedPrompts.ONNX.resolve("unet.onnx").toString(), o);
        }
        Map<String, Supplier<Object>> work = new LinkedHashMap<>();
        for (int n : new int[] {4, 16}) {
            List<String> prompts = TestbedPrompts.first(n);
            int b = 4 * n;
            TensorF32 x = TensorF32.gaussian(dev.memscope.tensor.Shape.of(b, 3, 16, 16), 1);
            int[] ts = new int[b];
            Arrays.fill(ts, 0, 2 * n, 981);
            Arrays.fill(ts, 2 * n, b, 41);
            Condition[] c = model.conditions(prompts);
            Condition[] conds = new Condition[b];
            for (int i = 0; i < b; i++) {
                conds[i] = (i / n) % 2 == 0 ? Condition.NULL : c[i % n];
            }
            TensorF32 out = TensorF32.zeros(x.shape());
            float[] e = new float[b * 32 * 128];
            float[] xs = x.data();
            long[] tl = new long[b];
            for (int i = 0; i < b; i++) {
                tl[i] = ts[i];
            }
            float[] nf = new float[n];
            float[] ones = new float[32];
            Arrays.fill(ones, 1f);
            work.put("score " + n, () -> det.score(prompts, ctx));
            work.put("conditions " + n, () -> model.conditions(prompts));
            work.put("cond+predict " + n, () -> {
                model.conditions(prompts);
                model.predict(x, ts, conds, out);
                return out;
            });
            // what one call would cost if the n identical unconditional latents per timestep ran once (2n + 2)
            TensorF32 xh = x.slice(0, 2 * n + 2);
            int[] th = Arrays.copyOf(ts, 2 * n + 2);
            Condition[] ch = Arrays.copyOf(conds, 2 * n + 2);
            TensorF32 oh = TensorF32.zeros(xh.shape());
            work.put("predict 2n+2 " + n, () -> {
                model.predict(xh, th, ch, oh);
                return oh;
            });
            work.put("tokenize " + n, () -> {
                int s = 0;
                for (String p : prompts) {
                    s += model.tokenizer().encode(p).length;
                }
                return s;
            });
            work.put("predict " + n, () -> {
                model.predict(x, ts, conds, out);
                return out;
            });
            work.put("bare unet " + n, () -> {
                try (OnnxTensor tx = OnnxTensor.createTensor(env, FloatBuffer.wrap(xs), new long[] {b, 3, 16, 16});
                     OnnxTensor te = OnnxTensor.createTensor(env, FloatBuffer.wrap(e), new long[] {b, 32, 128});
                     OnnxTensor tt = OnnxTensor.createTensor(env, LongBuffer.wrap(tl), new long[] {b});
                     OnnxTensor ks = OnnxTensor.createTensor(env, FloatBuffer.wrap(ones), new long[] {1, 32});
                     OnnxTensor kb = OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[32]), new long[] {1, 32});
                     OrtSession.Result r = bare.run(Map.of("sample", tx, "encoder_hidden_states", te,
                             "timestep", tt, "attn_key_scale", ks, "attn_key_bias", kb),
                             java.util.Set.of("out_sample"))) {
                    return r.get(0);
                } catch (Exception ex) {
                    throw new IllegalStateException(ex);
                }
            });
            work.put("tensors only " + n, () -> {
                try (OnnxTensor tx = OnnxTensor.createTensor(env, FloatBuffer.wrap(xs), new long[] {b, 3, 16, 16});
                     OnnxTensor te = OnnxTensor.createTensor(env, FloatBuffer.wrap(e), new long[] {b, 32, 128});
                     OnnxTensor tt = OnnxTensor.createTensor(env, LongBuffer.wrap(tl), new long[] {b})) {
                    return tx.getFloatBuffer().get(0);
                } catch (Exception ex) {
                    throw new IllegalStateException(ex);
                }
            });
            work.put("noise " + n, () -> DdimSampler.initialNoise(3, 16, 16, new long[] {20240}));
            work.put("kernels " + n, () -> {
                TensorF32 hi = out.slice(0, 2 * n);
                TensorF32 lo = out.slice(2 * n, b);
                kernels.diffNorm(hi.slice(n, 2 * n), hi.slice(0, n), nf);
                kernels.guidanceAlignment(lo.slice(n, 2 * n), lo.slice(0, n), nf);
                return nf;
            });
        }
        Map<String, double[]> ms = run(work, repeats);
        System.out.printf("# breakdown, %d repeats, load %s%n", repeats, load());
        for (var en : ms.entrySet()) {
            double[] v = en.getValue();
            System.out.printf("%-16s median %8.3f ms  (q1 %8.3f, q3 %8.3f)%n", en.getKey(), median(v),
                    quantile(v, 0.25), quantile(v, 0.75));
        }
        bare.close();
        kernels.close();
        model.close();
    }

    private static void ab(int repeats, String[] configs) throws Exception {
        ScoreKernels kernels = Backends.create("cpu");
        Map<String, Supplier<Object>> work = new LinkedHashMap<>();
        List<OnnxDenoiser> models = new ArrayList<>();
        List<String> p4 = TestbedPrompts.first(4);
        List<String> p16 = TestbedPrompts.first(16);
        Detector aniso = new AnisotropyDetector();
        Detector wen5 = new WenDetector(0, 5, 50, 4, WenDetector.DEFAULT_SEED, 7.5);
        for (String cfg : configs) {
            String[] parts = cfg.split(":", 2);
            List<String> set = new ArrayList<>();
            if (parts.length > 1) {
                for (String kv : parts[1].split(";")) {
                    String[] p = kv.split("=", 2);
                    System.setProperty(p[0], p[1]);
                    set.add(p[0]);
                }
            }
            OnnxDenoiser m = open();
            set.forEach(System::clearProperty);
            models.add(m);
            DetectionContext ctx = new DetectionContext(m, kernels, 64, Progress.NONE);
            // back to back, as JMH calls them: a call meets the pool threads the previous one left spinning
            work.put(parts[0] + " aniso4", () -> repeat(ANISO4_CALLS, () -> aniso.score(p4, ctx)));
            work.put(parts[0] + " aniso16", () -> repeat(ANISO16_CALLS, () -> aniso.score(p16, ctx)));
            work.put(parts[0] + " wen5x4", () -> wen5.score(p4, ctx));
        }
        Map<String, double[]> ms = run(work, repeats);
        System.out.printf("# ab, %d repeats, load %s%n", repeats, load());
        for (var en : ms.entrySet()) {
            double[] v = en.getValue();
            String k = en.getKey();
            int passes = k.endsWith("aniso4") ? 16 * ANISO4_CALLS : k.endsWith("aniso16") ? 64 * ANISO16_CALLS : 160;
            int calls = k.endsWith("aniso4") ? ANISO4_CALLS : k.endsWith("aniso16") ? ANISO16_CALLS : 1;
            int prompts = k.endsWith("aniso16") ? 16 : 4;
            System.out.printf("%-22s median %9.2f ms/call %7.2f ms/prompt %6.3f ms/pass  (q1 %9.2f, q3 %9.2f)%n", k,
                    median(v) / calls, median(v) / calls / prompts, median(v) / passes, quantile(v, 0.25) / calls,
                    quantile(v, 0.75) / calls);
        }
        models.forEach(OnnxDenoiser::close);
        kernels.close();
    }

    private static final int ANISO4_CALLS = 8;
    private static final int ANISO16_CALLS = 3;

    private static Object repeat(int calls, Supplier<Object> call) {
        Object last = null;
        for (int i = 0; i < calls; i++) {
            last = call.get();
        }
        return last;
    }

    /** Two warm-up rounds, then {@code repeats} rounds, each calling every item once in order. */
    private static Map<String, double[]> run(Map<String, Supplier<Object>> work, int repeats) throws Exception {
        Map<String, double[]> ms = new LinkedHashMap<>();
        work.keySet().forEach(k -> ms.put(k, new double[repeats]));
        Object sink = null;
        for (int r = -2; r < repeats; r++) {
            for (var en : work.entrySet()) {
                Thread.sleep(50);   // lets the previous item's spinning pool threads park
                long t0 = System.nanoTime();
                sink = en.getValue().get();
                long dt = System.nanoTime() - t0;
                if (r >= 0) {
                    ms.get(en.getKey())[r] = dt / 1e6;
                }
            }
        }
        if (sink == null) {
            System.out.println();
        }
        return ms;
    }

    private static String load() throws Exception {
        return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
    }

    private static double median(double[] v) {
        return quantile(v, 0.5);
    }

    private static double quantile(double[] v, double q) {
        double[] s = v.clone();
        Arrays.sort(s);
        double pos = q * (s.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = (int) Math.ceil(pos);
        return s[lo] + (pos - lo) * (s[hi] - s[lo]);
    }
}
