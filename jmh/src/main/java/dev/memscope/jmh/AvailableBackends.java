package dev.memscope.jmh;

import dev.memscope.kernels.Backends;
import java.util.ArrayList;
import java.util.List;
import org.openjdk.jmh.annotations.Param;

/**
 * Prints, comma-separated, the backends of {@link KernelBench}'s {@code @Param} that can run on this machine,
 * and on stderr why the others cannot; scripts/bench-kernels.sh passes the list to {@code -p backend=} so a
 * missing ND4J test jar or CUDA driver drops a column instead of failing the run.
 */
public final class AvailableBackends {
    private AvailableBackends() {
    }

    public static void main(String[] args) throws NoSuchFieldException {
        String[] declared = KernelBench.class.getField("backend").getAnnotation(Param.class).value();
        List<String> available = Backends.availableNames();
        List<String> usable = new ArrayList<>();
        for (String name : declared) {
            if (available.contains(name)) {
                usable.add(name);
            } else {
                String why = Backends.providers().stream().filter(p -> p.name().equals(name))
                        .map(p -> "unavailable here: " + p.unavailableReason()).findFirst()
                        .orElse("no KernelProvider of that name in benchmarks.jar");
                System.err.println("skipping backend '" + name + "': " + why);
            }
        }
        System.out.println(String.join(",", usable));
    }
}
