package dev.memscope.kernels;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * Chooses a kernel backend by name: {@code auto}, {@code cpu}, {@code scalar}, {@code cuda}, and any other
 * registered {@link KernelProvider} ({@code nd4j} where the test jar is on the class path). {@code auto} picks
 * CUDA when a driver and device are present, else the vectorized CPU backend, and says which it chose.
 */
public final class Backends {
    public static final String AUTO = "auto";

    private Backends() {
    }

    /** Every registered provider, available or not, in listing order. */
    public static List<KernelProvider> providers() {
        List<KernelProvider> list = new ArrayList<>();
        ServiceLoader.load(KernelProvider.class).forEach(list::add);
        list.sort(Comparator.comparingInt(KernelProvider::order).thenComparing(KernelProvider::name));
        return list;
    }

    /** Names of the backends that can run on this machine. */
    public static List<String> availableNames() {
        return providers().stream().filter(p -> p.unavailableReason() == null).map(KernelProvider::name)
                .collect(Collectors.toList());
    }

    /** Resolves {@code auto} to a concrete backend name; other names are returned unchanged. */
    public static String resolve(String name) {
        if (!AUTO.equalsIgnoreCase(name)) {
            return name;
        }
        for (KernelProvider p : providers()) {
            if (p.name().equals("cuda") && p.unavailableReason() == null) {
                return "cuda";
            }
        }
        return "cpu";
    }

    /** Why {@code auto} resolved as it did, for the user: "cpu (CUDA unavailable: no driver)". */
    public static String describeAuto() {
        String chosen = resolve(AUTO);
        if (chosen.equals("cuda")) {
            return "cuda (a CUDA driver and device are present)";
        }
        String why = providers().stream().filter(p -> p.name().equals("cuda")).map(KernelProvider::unavailableReason)
                .findFirst().orElse("the CUDA backend is not built into this jar");
        return "cpu (CUDA unavailable: " + why + ")";
    }

    public static ScoreKernels create(String name) {
        return create(name, NonFinitePolicy.REJECT);
    }

    public static ScoreKernels create(String name, NonFinitePolicy policy) {
        String concrete = resolve(name);
        List<KernelProvider> all = providers();
        for (KernelProvider p : all) {
            if (p.name().equalsIgnoreCase(concrete)) {
                String why = p.unavailableReason();
                if (why != null) {
                    throw new IllegalStateException("backend '" + p.name() + "' is unavailable on this machine: " + why);
                }
                return p.create(policy);
            }
        }
        throw new IllegalArgumentException("unknown backend '" + name + "'; known: auto, "
                + all.stream().map(KernelProvider::name).collect(Collectors.joining(", ")));
    }
}
