package dev.memscope.mitigate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/** The mitigation methods by name, in report order. */
public final class Mitigations {
    private static final Map<String, Function<MitigationContext, Mitigation>> FACTORIES = new LinkedHashMap<>();

    static {
        FACTORIES.put("none", NoMitigation::new);
        FACTORIES.put("rna", RandomNumberAddition::new);
        FACTORIES.put("rta", RandomTokenAddition::new);
        FACTORIES.put("wen", WenEmbeddingOptimization::new);
        FACTORIES.put("amg", AdaptiveMemorizationGuidance::new);
        FACTORIES.put("sail", SailInitialNoiseOptimization::new);
        FACTORIES.put("ren", RenAttentionMitigation::new);
    }

    private Mitigations() {
    }

    /** Every method name, in report order. */
    public static List<String> names() {
        return List.copyOf(FACTORIES.keySet());
    }

    /** Why the model cannot run the named method, or empty when it can (so far only Ren's needs a capability). */
    public static java.util.Optional<String> unsupported(String name, dev.memscope.model.Denoiser model) {
        if ("sail".equals(name) && model.latentVjpModel().isEmpty()) {
            return java.util.Optional.of("the model gives no vector-Jacobian product with respect to the latent (SAIL "
                    + "needs one; docs/mitigation.md, SAIL)");
        }
        return "ren".equals(name) ? RenAttentionMitigation.unsupported(model) : java.util.Optional.empty();
    }

    /** The named method with {@code amg} as AMG's form (other methods ignore it). */
    public static Mitigation create(String name, MitigationContext ctx, AmgConfig amg) {
        return create(name, ctx, amg, SailInitialNoiseOptimization.Config.defaults());
    }

    /** The named method with {@code amg} as AMG's form and {@code sail} as SAIL's settings (others ignore them). */
    public static Mitigation create(String name, MitigationContext ctx, AmgConfig amg,
                                    SailInitialNoiseOptimization.Config sail) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        if (key.equals("amg")) {
            return new AdaptiveMemorizationGuidance(ctx, amg);
        }
        return key.equals("sail") ? new SailInitialNoiseOptimization(ctx, sail) : create(name, ctx);
    }

    /** A new instance of the named method; an unknown name is an error that lists the known ones. */
    public static Mitigation create(String name, MitigationContext ctx) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        Function<MitigationContext, Mitigation> f = FACTORIES.get(key);
        if (f == null) {
            throw new IllegalArgumentException("unknown mitigation method '" + name + "'; known: "
                    + String.join(", ", FACTORIES.keySet()) + " (or all)");
        }
        return f.apply(ctx);
    }
}
