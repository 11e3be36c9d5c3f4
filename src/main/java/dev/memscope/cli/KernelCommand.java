package dev.memscope.cli;

import dev.memscope.io.OutputPaths;
import dev.memscope.kernels.Backends;
import dev.memscope.kernels.NonFinitePolicy;
import dev.memscope.kernels.ScoreKernels;
import dev.memscope.kernels.call.KernelCall;
import dev.memscope.kernels.KernelOp;
import dev.memscope.kernels.call.KernelParams;
import dev.memscope.tensor.Npy;
import dev.memscope.tensor.TensorF32;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

/**
 * {@code memscope kernel OP --in a.npy --in b.npy [--param k=v] --out out.npy}: runs one kernel on tensors from
 * files, so maintainers can check numerical regressions on their own data. User errors (wrong inputs, missing
 * parameters, unreadable files, NaN in an input) print one line naming the problem and exit with 2.
 */
@Command(name = "kernel", mixinStandardHelpOptions = true,
        header = "Runs one score kernel on .npy tensors.",
        description = {"Runs one score kernel on .npy tensors [B, C, H, W] and writes the result (.npy, float32):",
                "[B] for per-sample ops, [B, C, H, W] for elementwise ones.", "",
                "Ops and their inputs, in formula order:",
                KernelCommand.OPS_PLACEHOLDER,
                "Name an optional input to skip another: --in g=g.npy. t is a timestep of Stable Diffusion's",
                "scaled-linear schedule. Per-sample parameters take one number or one per sample (comma-separated).",
                "Exit codes: 0 success, 2 bad input or usage."})
public final class KernelCommand implements Callable<Integer> {
    /** {@code name=path} names an input when the part before '=' is an identifier; {@code ./a=b.npy} is a path. */
    private static final Pattern NAMED = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(.+)");

    /** Stands in the annotation for the op list, which {@link #setSpec} fills in from {@link KernelOp}. */
    static final String OPS_PLACEHOLDER = "<ops>";

    CommandSpec spec;

    /** The op list of the help comes from KernelOp, the one description of each op. */
    @Spec
    void setSpec(CommandSpec spec) {
        this.spec = spec;
        List<String> lines = new ArrayList<>();
        for (String line : spec.usageMessage().description()) {
            if (line.equals(OPS_PLACEHOLDER)) {
                KernelOp.helpLines(spec.usageMessage().width()).forEach(l -> lines.add(l.replace("%", "%%")));
            } else {
                lines.add(line);
            }
        }
        spec.usageMessage().description(lines.toArray(new String[0]));
    }

    @Parameters(index = "0", paramLabel = "OP", description = "one of the ops listed above")
    String opName;

    @Option(names = "--in", paramLabel = "[NAME=]FILE", required = true,
            description = "an input .npy (float32 or float64, [B, C, H, W]); repeat in formula order")
    List<String> in = new ArrayList<>();

    @Option(names = "--param", paramLabel = "K=V", description = "a parameter, e.g. scale=7.5; repeatable")
    List<String> params = new ArrayList<>();

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "where to write the result (atomically)")
    Path out;

    @Option(names = "--backend", defaultValue = "auto", paramLabel = "B",
            description = "auto (CUDA if present, else cpu), cpu, scalar, cuda, ... (default: ${DEFAULT-VALUE})")
    String backend;

    @Option(names = "--allow-nonfinite", description = "let NaN/Inf in the inputs propagate instead of rejecting them")
    boolean allowNonFinite;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter outw = spec.commandLine().getOut();
        try {
            KernelOp op = KernelOp.byName(opName);
            List<KernelOp.Named<Path>> files = new ArrayList<>();
            for (String s : in) {
                var m = NAMED.matcher(s);
                files.add(m.matches() ? new KernelOp.Named<>(m.group(1), Path.of(m.group(2)))
                        : new KernelOp.Named<>(null, Path.of(s)));
            }
            Map<String, Path> bound = op.bind(files);
            OutputPaths.requireFile("--out", out, bound.values().toArray(Path[]::new));
            KernelParams kp = KernelParams.parse(op.cliName(), params);
            Map<String, TensorF32> tensors = new LinkedHashMap<>();
            for (var e : bound.entrySet()) {
                tensors.put(e.getKey(), read(e.getKey(), e.getValue()));
            }
            KernelCall call = KernelCall.of(op, tensors, kp);
            String chosen = Backends.resolve(backend);
            float[] result;
            try (ScoreKernels k = Backends.create(chosen,
                    allowNonFinite ? NonFinitePolicy.PROPAGATE : NonFinitePolicy.REJECT)) {
                result = call.run(k);
            }
            Npy.writeF32(out, call.resultShape(), result);
            outw.printf("%s %s on %s%s -> %s %s float32%n", op.cliName(), call.shape(), chosen,
                    Backends.AUTO.equalsIgnoreCase(backend) ? " (auto: " + autoReason() + ")" : "",
                    out, Arrays.toString(call.resultShape()));
            if (!call.describeParams().isEmpty()) {
                outw.println("  params: " + call.describeParams());
            }
            if (op.perSample() && result.length <= 16) {
                outw.println("  result: " + Arrays.toString(result));
            }
            outw.flush();
            return 0;
        } catch (IllegalArgumentException | IllegalStateException e) {
            return fail(err, e.getMessage());
        } catch (IOException e) {
            return fail(err, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    /** "CUDA unavailable: no driver" out of "cpu (CUDA unavailable: no driver)". */
    private static String autoReason() {
        String why = Backends.describeAuto();
        int open = why.indexOf('(');
        return open >= 0 && why.endsWith(")") ? why.substring(open + 1, why.length() - 1) : why;
    }

    private static TensorF32 read(String name, Path file) throws IOException {
        try {
            return Npy.readTensor(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException("input " + name + ": no such file " + file);
        } catch (IOException e) {
            throw new IOException("input " + name + ": " + e.getMessage(), e);
        }
    }

    static int fail(PrintWriter err, String message) {
        err.println("memscope: error: " + message);
        err.flush();
        return 2;
    }
}
