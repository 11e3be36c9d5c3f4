package dev.memscope.kernels.call;

import dev.memscope.diffusion.NoiseSchedule;
import dev.memscope.kernels.GuidanceVariant;
import dev.memscope.kernels.KernelOp;
import dev.memscope.kernels.OpArgs;
import dev.memscope.kernels.Conversion;
import dev.memscope.kernels.ScoreKernels;
import dev.memscope.tensor.Shape;
import dev.memscope.tensor.TensorF32;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One kernel operation with its inputs bound and its parameters parsed and checked, ready to run on any backend
 * any number of times. Shared by {@code memscope kernel}, the golden runner and the throughput table, so the three
 * agree on what an op name, an input name and a parameter mean.
 */
public final class KernelCall {
    private final KernelOp op;
    private final Map<String, TensorF32> inputs;
    private final Shape shape;
    // parsed parameters; unused ones stay null / NaN
    private GuidanceVariant variant;
    private Conversion conversion;
    /** An op on the generic path: its per-sample parameters in declaration order. */
    private float[][] perSampleParams;
    private double s0 = Double.NaN;
    private float[] s1;
    private float[] s2;
    private float[] c3;
    private double abarT = Double.NaN;
    private double abarPrev = Double.NaN;

    private KernelCall(KernelOp op, Map<String, TensorF32> inputs) {
        this.op = op;
        this.inputs = inputs;
        this.shape = inputs.get(op.requiredInputs().get(0)).shape();
    }

    /**
     * @param inputs bound by {@link KernelOp#bind}; shapes are checked by the kernels themselves
     * @throws IllegalArgumentException naming the op and the parameter at fault
     */
    public static KernelCall of(KernelOp op, Map<String, TensorF32> inputs, KernelParams params) {
        for (String r : op.requiredInputs()) {
            if (inputs.get(r) == null) {
                throw new IllegalArgumentException(op.cliName() + ": input " + r + " is missing");
            }
        }
        params.allowOnly(op.paramNames());
        KernelCall call = new KernelCall(op, new LinkedHashMap<>(inputs));
        call.parse(params);
        return call;
    }

    private void parse(KernelParams p) {
        int batch = shape.batch();
        switch (op) {
            case GUIDANCE_ALIGNMENT -> variant = GuidanceVariant.parse(p.text("variant", "uncond-guidance"));
            case AMG -> {
                boolean withN = inputs.containsKey("eps_n");
                boolean withG = inputs.containsKey("g");
                s0 = p.number("s0");
                s1 = p.perSample("s1", batch);
                if (withN) {
                    s2 = p.perSample("s2", batch);
                } else if (p.has("s2")) {
                    throw new IllegalArgumentException("amg: parameter s2 weighs the eps_n term, but no eps_n input is given");
                }
                if (withG) {
                    c3 = p.perSample("c3", batch);
                    abarT = abar(p, "abar_t", "t");
                } else {
                    for (String k : new String[] {"c3", "abar_t", "t"}) {
                        if (p.has(k)) {
                            throw new IllegalArgumentException("amg: parameter " + k
                                    + " belongs to the g term, but no g input is given");
                        }
                    }
                }
            }
            case DDIM_STEP -> {
                abarT = abar(p, "abar_t", "t");
                if (!p.has("abar_prev") && p.has("t_prev") && p.integer("t_prev") == -1) {
                    abarPrev = 1.0;
                } else {
                    abarPrev = abar(p, "abar_prev", "t_prev");
                }
            }
            case CONVERT -> {
                conversion = Conversion.parse(p.requireText("conversion", "eps-to-x0, x0-to-eps, v-to-eps, v-to-x0 or eps-to-v"));
                abarT = abar(p, "abar", "t");
            }
            default -> {
                if (op.generic()) {
                    perSampleParams = op.perSampleParamOrder().stream().map(name -> p.perSample(name, batch))
                            .toArray(float[][]::new);
                }
            }
        }
    }

    /** A noise level given directly ({@code abar_t=0.0058}) or as a timestep of SD's schedule ({@code t=981}). */
    private double abar(KernelParams p, String abarKey, String tKey) {
        if (p.has(abarKey) && p.has(tKey)) {
            throw new IllegalArgumentException(op.cliName() + ": give " + abarKey + " or " + tKey + ", not both");
        }
        if (p.has(tKey)) {
            try {
                return NoiseSchedule.stableDiffusion().alphabar(p.integer(tKey));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(op.cliName() + ": parameter " + tKey + ": " + e.getMessage());
            }
        }
        if (!p.has(abarKey)) {
            throw new IllegalArgumentException(op.cliName() + " needs --param " + abarKey + "=... or --param " + tKey
                    + "=... (a timestep of Stable Diffusion's schedule)");
        }
        return p.number(abarKey);
    }

    public KernelOp op() {
        return op;
    }

    /** The shape of the inputs. */
    public Shape shape() {
        return shape;
    }

    /** {@code [B]} for per-sample ops, the input shape for elementwise ones. */
    public int[] resultShape() {
        return op.perSample() ? new int[] {shape.batch()} : shape.toArray();
    }

    public float[] newResult() {
        return new float[op.perSample() ? shape.batch() : shape.size()];
    }

    /** Bytes an ideal implementation must move: every input read once, the result written once. */
    public long compulsoryBytes() {
        long in = (long) inputs.size() * shape.size() * Float.BYTES;
        return in + (long) newResultLength() * Float.BYTES;
    }

    private int newResultLength() {
        return op.perSample() ? shape.batch() : shape.size();
    }

    public float[] run(ScoreKernels k) {
        float[] out = newResult();
        runInto(k, out);
        return out;
    }

    /** Runs on {@code k} into a caller's result array of {@link #newResult()}'s length. */
    public void runInto(ScoreKernels k, float[] out) {
        Map<String, TensorF32> in = inputs;
        switch (op) {
            case DIFF_NORM -> k.diffNorm(in.get("a"), in.get("b"), out);
            case GUIDANCE_ALIGNMENT -> k.guidanceAlignment(in.get("eps_c"), in.get("eps_u"), variant, out);
            case PIXEL_COSINE -> k.pixelCosine(in.get("u"), in.get("v"), out);
            case GLOBAL_COSINE -> k.globalCosine(in.get("u"), in.get("v"), out);
            case AMG -> k.amg(in.get("eps_u"), in.get("eps_c"), in.get("eps_n"), in.get("g"), s0, s1, s2, c3,
                    Double.isNaN(abarT) ? 1.0 : abarT, new TensorF32(shape, out));
            case DDIM_STEP -> k.ddimStep(in.get("x_t"), in.get("eps"), abarT, abarPrev, new TensorF32(shape, out));
            case CONVERT -> k.convert(conversion, in.get("x_t"), in.get("in"), abarT, new TensorF32(shape, out));
            default -> {
                if (!op.generic()) {
                    throw new AssertionError(op);
                }
                OpArgs args = OpArgs.of(op);
                op.requiredInputs().forEach(name -> args.input(in.get(name)));
                for (float[] values : perSampleParams) {
                    args.param(values);
                }
                k.run(op.perSample() ? args.into(out) : args.into(new TensorF32(shape, out)));
            }
        }
    }

    /** The parsed parameters, for reports: {@code scale=[7.5, 1.5]}, {@code abar_t=0.0057755}. */
    public String describeParams() {
        StringBuilder sb = new StringBuilder();
        append(sb, "variant", variant == null ? null : variant.name().toLowerCase());
        append(sb, "conversion", conversion == null ? null : conversion.name().toLowerCase());
        if (perSampleParams != null) {
            for (int i = 0; i < perSampleParams.length; i++) {
                append(sb, op.perSampleParamOrder().get(i), perSampleParams[i]);
            }
        }
        append(sb, "s0", Double.isNaN(s0) ? null : s0);
        append(sb, "s1", s1);
        append(sb, "s2", s2);
        append(sb, "c3", c3);
        append(sb, op == KernelOp.CONVERT ? "abar" : "abar_t", Double.isNaN(abarT) ? null : abarT);
        append(sb, "abar_prev", Double.isNaN(abarPrev) ? null : abarPrev);
        return sb.toString();
    }

    private static void append(StringBuilder sb, String key, Object v) {
        if (v == null) {
            return;
        }
        if (sb.length() > 0) {
            sb.append(' ');
        }
        String text = v instanceof float[] f ? (f.length > 8 ? "[" + f.length + " values]" : java.util.Arrays.toString(f))
                : v.toString();
        sb.append(key).append('=').append(text);
    }
}
