package dev.memscope.kernels;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The one description of each {@link ScoreKernels} operation: the name the command line, the golden manifest and
 * the benchmarks use, its inputs in the order the formulas name them, its parameters (and which of them take one
 * value per sample), the shape of its result and its compulsory memory traffic. The kernel command's help,
 * {@link dev.memscope.bench.Traffic} and {@code bench summary} are derived from here.
 *
 * <p>Ops on the <b>generic path</b> ({@link #generic()}: required inputs only, per-sample parameters only) need
 * nothing else outside their implementations: {@link CheckedKernels#run} derives their argument checks from this
 * description, {@code KernelCall} binds them from it, and the CUDA host launches their kernels by a naming
 * convention ({@code NAME_sum_partials}/{@code NAME_sum_finish}, {@code NAME_map_vec}/{@code NAME_map_scalar}, see
 * kernels/ops.cuh). Adding one touches this file, {@code ScalarKernels}, {@code VectorKernels}, kernels/ops.cuh and
 * the ND4J reference (docs/benchmarks.md, "Adding a kernel op"). The other ops are fused, hand-tuned ones (optional
 * inputs, variants, float64 coefficients) with methods and launch code of their own.
 */
public enum KernelOp {
    DIFF_NORM("diffNorm", true, List.of("a", "b"), List.of(), List.of(), "||a - b||_2 per sample", ""),
    GUIDANCE_ALIGNMENT("guidanceAlignment", true, List.of("eps_c", "eps_u"), List.of(), List.of("variant"),
            "mean per-pixel cosine of the variant's pair; eps_c - eps_u is never materialized",
            "variant=uncond-guidance (default) | cond-uncond | cond-guidance"),
    PIXEL_COSINE("pixelCosine", true, List.of("u", "v"), List.of(), List.of(), "mean per-pixel cosine of u and v", ""),
    GLOBAL_COSINE("globalCosine", true, List.of("u", "v"), List.of(), List.of(), "cosine of whole samples", ""),
    CFG("cfg", false, List.of("eps_u", "eps_c"), List.of(), List.of("scale*"), "eps_u + scale (eps_c - eps_u)",
            "scale=7.5 (or one per sample: scale=7.5,3,1)", true),
    AMG("amg", false, List.of("eps_u", "eps_c"), List.of("eps_n", "g"), List.of("s0", "s1*", "s2*", "c3*", "abar_t", "t"),
            "eps_u + (s0 - s1)(eps_c - eps_u) + s2 (eps_u - eps_n) + c3 sqrt(1 - abar_t) g",
            "s0, s1; s2 with eps_n; c3 and abar_t (or t) with g"),
    MSE("mse", true, List.of("pred", "target"), List.of(), List.of(), "mean (pred - target)^2 per sample", "",
            true),
    DDIM_STEP("ddimStep", false, List.of("x_t", "eps"), List.of(), List.of("abar_t", "abar_prev", "t", "t_prev"),
            "DDIM step (eta = 0)", "abar_t and abar_prev, or t and t_prev (t_prev=-1: to x0)"),
    CONVERT("convert", false, List.of("x_t", "in"), List.of(), List.of("conversion", "abar", "t"),
            "converts a model output between eps, v and x0",
            "conversion=eps-to-x0|x0-to-eps|v-to-eps|v-to-x0|eps-to-v, abar or t");

    /** One sample of the benchmarks: an SD v1 latent [4, 64, 64] (KernelBench.CHANNELS, HEIGHT, WIDTH). */
    public static final long BENCH_SAMPLE_FLOATS = 4L * 64 * 64;

    private final String cliName;
    private final boolean perSample;
    private final List<String> required;
    private final List<String> optional;
    private final Set<String> params;
    private final Set<String> perSampleParams;
    private final List<String> perSampleParamOrder;
    private final String summary;
    private final String paramHelp;
    private final boolean generic;

    KernelOp(String cliName, boolean perSample, List<String> required, List<String> optional, List<String> params,
             String summary, String paramHelp) {
        this(cliName, perSample, required, optional, params, summary, paramHelp, false);
    }

    /** {@code params}: names, a trailing {@code *} marks one that takes one value per sample. */
    KernelOp(String cliName, boolean perSample, List<String> required, List<String> optional, List<String> params,
             String summary, String paramHelp, boolean generic) {
        this.cliName = cliName;
        this.perSample = perSample;
        this.required = required;
        this.optional = optional;
        this.params = params.stream().map(p -> p.replace("*", "")).collect(Collectors.toUnmodifiableSet());
        this.perSampleParams = params.stream().filter(p -> p.endsWith("*")).map(p -> p.replace("*", ""))
                .collect(Collectors.toUnmodifiableSet());
        this.perSampleParamOrder = params.stream().filter(p -> p.endsWith("*")).map(p -> p.replace("*", ""))
                .toList();
        this.summary = summary;
        this.paramHelp = paramHelp;
        this.generic = generic;
        if (generic && (!optional.isEmpty() || perSampleParamOrder.size() != params.size()
                || required.size() > OpArgs.MAX_INPUTS || params.size() > OpArgs.MAX_PARAMS)) {
            throw new IllegalStateException(cliName + ": an op on the generic path takes 1 to " + OpArgs.MAX_INPUTS
                    + " required inputs and at most " + OpArgs.MAX_PARAMS + " parameters, all per sample");
        }
    }

    /**
     * Whether the op runs on the generic path: {@link ScoreKernels#run} with {@link OpArgs}, checks derived from
     * this description, CUDA kernels found by name (kernels/ops.cuh).
     */
    public boolean generic() {
        return generic;
    }

    /** The ops on the generic path, in declaration order. */
    public static List<KernelOp> generics() {
        return Arrays.stream(values()).filter(KernelOp::generic).toList();
    }

    /** The per-sample parameters in declaration order: the order {@link OpArgs#param} takes them. */
    public List<String> perSampleParamOrder() {
        return perSampleParamOrder;
    }

    /** The name on the command line and in the golden manifest ({@code diffNorm}, {@code ddimStep}, ...). */
    public String cliName() {
        return cliName;
    }

    /** Whether the result is one value per sample ([B]) rather than a tensor of the input shape. */
    public boolean perSample() {
        return perSample;
    }

    public List<String> requiredInputs() {
        return required;
    }

    public List<String> optionalInputs() {
        return optional;
    }

    public Set<String> paramNames() {
        return params;
    }

    /** The parameters that take one number, or one per sample (comma-separated): {@code scale}, {@code s1}, ... */
    public Set<String> perSampleParams() {
        return perSampleParams;
    }

    /** What the op computes, without its parameters. */
    public String summary() {
        return summary;
    }

    /** Its parameters as the help shows them; empty when it takes none. */
    public String paramHelp() {
        return paramHelp;
    }

    /**
     * Tensors of the input shape read by a call with every optional input given (as the benchmarks call it), and
     * written: per-sample results ({@code float[B]}) are negligible and count as none.
     */
    public int tensorsRead() {
        return required.size() + optional.size();
    }

    public int tensorsWritten() {
        return perSample ? 0 : 1;
    }

    /**
     * Compulsory traffic of one call with every optional input: each input tensor read once and each output tensor
     * written once, nothing for caches, write-allocate or scratch. The same for every backend.
     */
    public long compulsoryBytes(int batch, long sampleFloats) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        }
        return (long) (tensorsRead() + tensorsWritten()) * batch * sampleFloats * Float.BYTES;
    }

    /** Column where the help text of an op starts, after {@code "  op inputs"}. */
    private static final int HELP_TEXT_COLUMN = 33;

    /** The kernel command's help entry: {@code amg eps_u eps_c [eps_n] [g]   formula; parameters}, one line. */
    public String helpLine() {
        String call = cliName + " " + inputList().replace(",", "");
        String text = paramHelp.isEmpty() ? summary : summary + "; " + paramHelp;
        return String.format("  %-" + (HELP_TEXT_COLUMN - 3) + "s %s", call, text);
    }

    /** Help entries of every op in declaration order, the text wrapped at {@code width} within its own column. */
    public static List<String> helpLines(int width) {
        String indent = " ".repeat(HELP_TEXT_COLUMN);
        List<String> lines = new ArrayList<>();
        for (KernelOp op : values()) {
            String entry = op.helpLine();
            StringBuilder line = new StringBuilder(entry.substring(0, HELP_TEXT_COLUMN));
            boolean empty = true;
            for (String word : entry.substring(HELP_TEXT_COLUMN).split(" ")) {
                if (!empty && line.length() + 1 + word.length() > width) {
                    lines.add(line.toString());
                    line = new StringBuilder(indent);
                    empty = true;
                }
                line.append(empty ? "" : " ").append(word);
                empty = false;
            }
            lines.add(line.toString());
        }
        return lines;
    }

    /** {@code a, b} or {@code eps_u, eps_c, [eps_n], [g]}. */
    public String inputList() {
        List<String> all = new ArrayList<>(required);
        optional.forEach(o -> all.add("[" + o + "]"));
        return String.join(", ", all);
    }

    public static KernelOp byName(String name) {
        for (KernelOp op : values()) {
            if (op.cliName.equals(name)) {
                return op;
            }
        }
        for (KernelOp op : values()) {
            if (op.cliName.equalsIgnoreCase(name) || op.name().equalsIgnoreCase(name)) {
                return op;
            }
        }
        throw new IllegalArgumentException("unknown kernel op '" + name + "'; known: " + names());
    }

    public static String names() {
        return Arrays.stream(values()).map(KernelOp::cliName).collect(Collectors.joining(", "));
    }

    /** An input given by name ({@code g=file.npy}) or by position (name null). */
    public record Named<T>(String name, T value) {
    }

    /**
     * Assigns inputs to this op's formula names: named ones where they say, the rest in formula order to the
     * remaining slots (required first, then optional). Errors name the op, what it takes and what is wrong.
     */
    public <T> Map<String, T> bind(List<Named<T>> given) {
        List<String> all = new ArrayList<>(required);
        all.addAll(optional);
        Map<String, T> bound = new LinkedHashMap<>();
        for (Named<T> n : given) {
            if (n.name() == null) {
                continue;
            }
            if (!all.contains(n.name())) {
                throw new IllegalArgumentException(cliName + ": unknown input name '" + n.name() + "'; it takes "
                        + inputList());
            }
            if (bound.put(n.name(), n.value()) != null) {
                throw new IllegalArgumentException(cliName + ": input " + n.name() + " is given twice");
            }
        }
        int slot = 0;
        for (Named<T> n : given) {
            if (n.name() != null) {
                continue;
            }
            while (slot < all.size() && bound.containsKey(all.get(slot))) {
                slot++;
            }
            if (slot == all.size()) {
                throw new IllegalArgumentException(cliName + " takes " + countText() + " (" + inputList()
                        + "), got " + given.size());
            }
            bound.put(all.get(slot++), n.value());
        }
        List<String> missing = required.stream().filter(r -> !bound.containsKey(r)).collect(Collectors.toList());
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(cliName + " needs " + countText() + " (" + inputList() + "), got "
                    + given.size() + ": missing " + String.join(", ", missing));
        }
        Map<String, T> ordered = new LinkedHashMap<>();
        for (String name : all) {
            if (bound.containsKey(name)) {
                ordered.put(name, bound.get(name));
            }
        }
        return ordered;
    }

    private String countText() {
        int r = required.size();
        return optional.isEmpty() ? r + " inputs" : r + " to " + (r + optional.size()) + " inputs";
    }
}
