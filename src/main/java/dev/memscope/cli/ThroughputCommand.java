package dev.memscope.cli;

import dev.memscope.kernels.Backends;
import dev.memscope.kernels.ScoreKernels;
import dev.memscope.kernels.call.KernelCall;
import dev.memscope.kernels.KernelOp;
import dev.memscope.kernels.call.KernelParams;
import dev.memscope.tensor.Shape;
import dev.memscope.tensor.TensorF32;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code memscope throughput}: a few seconds of timing of every op on every available backend at Stable
 * Diffusion latent size. A quick look only (one JVM, short warm-up, wall-clock medians); the JMH suite in jmh/
 * is what speed claims are made with.
 */
@Command(name = "throughput", mixinStandardHelpOptions = true,
        headerHeading = "%n", header = "Quick look at kernel throughput per backend (not a benchmark).",
        description = {"Times each op on each available backend at [B, 4, 64, 64] for a fraction of a second and "
                + "prints ms per call (median) and GB/s of compulsory traffic (inputs read once, result written "
                + "once). Use the JMH suite (scripts/bench-kernels.sh) for numbers you report."})
public final class ThroughputCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--batch", defaultValue = "64", description = "samples per call (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--backend", defaultValue = "all", description = "a backend, or all available (default)")
    String backend;

    @Option(names = "--warmup-ms", defaultValue = "100", description = "warm-up per op and backend (default: ${DEFAULT-VALUE})")
    int warmupMs;

    @Option(names = "--measure-ms", defaultValue = "150", description = "measurement per op and backend (default: ${DEFAULT-VALUE})")
    int measureMs;

    /** The op mix of one table row: name shown, op, params; every elementwise op writes a fresh-size result. */
    private record Row(String label, KernelOp op, List<String> params) {
    }

    private static final List<Row> ROWS = List.of(
            new Row("diffNorm", KernelOp.DIFF_NORM, List.of()),
            new Row("guidanceAlignment", KernelOp.GUIDANCE_ALIGNMENT, List.of("variant=uncond-guidance")),
            new Row("pixelCosine", KernelOp.PIXEL_COSINE, List.of()),
            new Row("globalCosine", KernelOp.GLOBAL_COSINE, List.of()),
            new Row("mse", KernelOp.MSE, List.of()),
            new Row("cfg", KernelOp.CFG, List.of("scale=7.5")),
            new Row("amg (4 inputs)", KernelOp.AMG, List.of("s0=7.5", "s1=2.5", "s2=0.5", "c3=0.25", "t=981")),
            new Row("ddimStep", KernelOp.DDIM_STEP, List.of("t=981", "t_prev=961")),
            new Row("convert eps-to-x0", KernelOp.CONVERT, List.of("conversion=eps-to-x0", "t=981")));

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (batch < 1 || warmupMs < 0 || measureMs < 1) {
            return KernelCommand.fail(err, "--batch and --measure-ms must be >= 1 and --warmup-ms >= 0");
        }
        Shape shape;
        try {
            shape = new Shape(batch, 4, 64, 64);
        } catch (IllegalArgumentException e) {
            return KernelCommand.fail(err, e.getMessage());
        }
        List<String> names = "all".equalsIgnoreCase(backend) ? Backends.availableNames() : List.of(Backends.resolve(backend));
        Map<String, TensorF32> pool = new LinkedHashMap<>();
        String[] roles = {"a", "b", "c", "d"};
        for (int i = 0; i < roles.length; i++) {
            pool.put(roles[i], TensorF32.gaussian(shape, 1000 + i));
        }
        out.printf("QUICK LOOK (not a benchmark): batch %d x [4, 64, 64] float32, %d ms warm-up + %d ms per cell, "
                + "median of wall-clock calls.%nThe JMH suite (scripts/bench-kernels.sh) is the authority.%n%n", batch, warmupMs, measureMs);
        StringBuilder head = new StringBuilder(String.format("%-19s %8s", "", ""));
        StringBuilder sub = new StringBuilder(String.format("%-19s %8s", "op", "MB/call"));
        for (String b : names) {
            head.append(String.format(" | %-20s", b));
            sub.append(String.format(" | %9s %9s ", "ms/call", "GB/s"));
        }
        out.println(head);
        out.println(sub);
        out.println("-".repeat(sub.length()));
        Map<String, ScoreKernels> kernels = new LinkedHashMap<>();
        try {
            for (String b : names) {
                kernels.put(b, Backends.create(b));
            }
            for (Row row : ROWS) {
                List<KernelOp.Named<TensorF32>> inputs = new ArrayList<>();
                int n = row.op().requiredInputs().size() + row.op().optionalInputs().size();
                for (int i = 0; i < n; i++) {
                    inputs.add(new KernelOp.Named<>(null, pool.get(roles[i])));
                }
                KernelCall call = KernelCall.of(row.op(), row.op().bind(inputs),
                        KernelParams.parse(row.op().cliName(), row.params()));
                StringBuilder line = new StringBuilder(String.format("%-19s %8.1f", row.label(), call.compulsoryBytes() / 1e6));
                for (ScoreKernels k : kernels.values()) {
                    double ms = medianMillis(call, k);
                    line.append(String.format(" | %9.3f %9.1f ", ms, call.compulsoryBytes() / (ms * 1e6)));
                }
                out.println(line);
                out.flush();
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            return KernelCommand.fail(err, e.getMessage());
        } finally {
            kernels.values().forEach(ScoreKernels::close);
        }
        out.flush();
        return 0;
    }

    private double medianMillis(KernelCall call, ScoreKernels k) {
        float[] result = call.newResult();
        long end = System.nanoTime() + warmupMs * 1_000_000L;
        do {
            call.runInto(k, result);
        } while (System.nanoTime() < end);
        long[] times = new long[4096];
        int count = 0;
        end = System.nanoTime() + measureMs * 1_000_000L;
        do {
            long t0 = System.nanoTime();
            call.runInto(k, result);
            times[count++] = System.nanoTime() - t0;
        } while (System.nanoTime() < end && count < times.length);
        Arrays.sort(times, 0, count);
        return times[count / 2] / 1e6;
    }
}
