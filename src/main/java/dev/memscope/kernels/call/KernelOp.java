package dev.memscope.kernels.call;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The {@link dev.memscope.kernels.ScoreKernels} operations by the names the command line and the golden manifest
 * use, with their inputs in the order the formulas name them and the parameters each accepts.
 */
public enum KernelOp {
    DIFF_NORM("diffNorm", true, List.of("a", "b"), List.of(), Set.of(), "||a - b||_2 per sample"),
    GUIDANCE_ALIGNMENT("guidanceAlignment", true, List.of("eps_c", "eps_u"), List.of(), Set.of("variant"),
            "mean per-pixel cosine; variant=uncond-guidance (default), cond-uncond or cond-guidance"),
    PIXEL_COSINE("pixelCosine", true, List.of("u", "v"), List.of(), Set.of(), "mean per-pixel cosine of u and v"),
    GLOBAL_COSINE("globalCosine", true, List.of("u", "v"), List.of(), Set.of(), "cosine of whole samples"),
    CFG("cfg", false, List.of("eps_u", "eps_c"), List.of(), Set.of("scale"),
            "eps_u + scale (eps_c - eps_u); scale=7.5 or one value per sample"),
    AMG("amg", false, List.of("eps_u", "eps_c"), List.of("eps_n", "g"), Set.of("s0", "s1", "s2", "c3", "abar_t", "t"),
            "eps_u + (s0 - s1)(eps_c - eps_u) + s2 (eps_u - eps_n) + c3 sqrt(1 - abar_t) g"),
    MSE("mse", true, List.of("pred", "target"), List.of(), Set.of(), "mean (pred - target)^2 per sample"),
    DDIM_STEP("ddimStep", false, List.of("x_t", "eps"), List.of(), Set.of("abar_t", "abar_prev", "t", "t_prev"),
            "DDIM step (eta = 0); abar_t and abar_prev, or t and t_prev (t_prev=-1: abar_prev = 1)"),
    CONVERT("convert", false, List.of("x_t", "in"), List.of(), Set.of("conversion", "abar", "t"),
            "conversion=eps-to-x0|x0-to-eps|v-to-eps|v-to-x0|eps-to-v at abar (or t)");

    private final String cliName;
    private final boolean perSample;
    private final List<String> required;
    private final List<String> optional;
    private final Set<String> params;
    private final String summary;

    KernelOp(String cliName, boolean perSample, List<String> required, List<String> optional, Set<String> params,
             String summary) {
        this.cliName = cliName;
        this.perSample = perSample;
        this.required = required;
        this.optional = optional;
        this.params = params;
        this.summary = summary;
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

    public String summary() {
        return summary;
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
