package dev.memscope.cli;

import dev.memscope.io.Installation;
import dev.memscope.golden.CaseResult;
import dev.memscope.golden.Comparison;
import dev.memscope.golden.GoldenCase;
import dev.memscope.golden.GoldenManifest;
import dev.memscope.golden.GoldenRunner;
import dev.memscope.golden.SavedOutputs;
import dev.memscope.kernels.Backends;
import dev.memscope.kernels.ScoreKernels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code memscope golden check}: every golden case on every chosen backend, as a table of the worst relative
 * error and pass/fail. Exit 0 when all pass, 1 when any fails, 2 when the goldens cannot be read.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Runs every golden case on each backend and prints case x backend: the worst relative error,",
                "the worst error as a multiple of the tolerance (err/tol <= 1 passes) and PASS/FAIL.",
                "With --against REF_DIR: compares with outputs saved by golden save (per-case tolerances, or --rtol/--atol).",
                "Exit codes: 0 all pass, 1 a case fails, 2 the goldens or the backend cannot be used."})
public final class GoldenCheckCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--backend", defaultValue = "all", paramLabel = "B",
            description = "a backend name, or all (every backend available here; default)")
    String backend;

    @Option(names = "--dir", paramLabel = "DIR",
            description = "golden folder (default: ./golden-outputs, else $MEMSCOPE_HOME/golden-outputs)")
    Path dir;

    @Option(names = "--against", paramLabel = "REF_DIR",
            description = "compare with the outputs saved there by golden save instead of the float64 goldens")
    Path against;

    @Option(names = "--rtol", paramLabel = "X", description = "with --against: replaces every case's saved rtol")
    Double rtol;

    @Option(names = "--atol", paramLabel = "Y", description = "with --against: replaces every case's saved atol")
    Double atol;

    @Option(names = "--verbose", description = "after the table, describe the worst element of every case")
    boolean verbose;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path folder = dir != null ? dir : defaultDir();
        GoldenManifest manifest;
        try {
            manifest = GoldenManifest.load(folder);
        } catch (IOException e) {
            return KernelCommand.fail(err, e.getMessage());
        }
        SavedOutputs reference = null;
        if (against != null) {
            try {
                reference = SavedOutputs.load(against);
            } catch (IOException e) {
                return KernelCommand.fail(err, e.getMessage());
            }
        } else if (rtol != null || atol != null) {
            return KernelCommand.fail(err, "--rtol and --atol go with --against (the goldens carry their own tolerances)");
        }
        if ((rtol != null && !(rtol >= 0)) || (atol != null && !(atol >= 0))) {
            return KernelCommand.fail(err, "--rtol and --atol must be >= 0");
        }
        List<String> names = "all".equalsIgnoreCase(backend) ? Backends.availableNames() : List.of(Backends.resolve(backend));
        Map<String, List<CaseResult>> results = new LinkedHashMap<>();
        GoldenRunner runner = new GoldenRunner();
        for (String name : names) {
            List<CaseResult> list = new ArrayList<>();
            try (ScoreKernels k = Backends.create(name)) {
                for (GoldenCase c : manifest.cases()) {
                    list.add(reference == null ? runner.runCatching(c, k)
                            : reference.check(c, k, runner, rtol, atol));
                }
            } catch (IllegalArgumentException | IllegalStateException e) {
                return KernelCommand.fail(err, e.getMessage());
            } catch (IOException e) {
                return KernelCommand.fail(err, e.getMessage());
            }
            results.put(name, list);
        }
        int failed = printTable(out, manifest, results);
        int total = manifest.cases().size() * names.size();
        String source = reference == null ? folder.toString()
                : folder + " against the " + reference.backend() + " outputs saved in " + against;
        out.printf("%n%d cases x %d backends (%s) from %s: %s%n", manifest.cases().size(), names.size(),
                String.join(", ", names), source, failed == 0 ? "all " + total + " PASS" : failed + " of " + total + " FAIL");
        if (verbose || failed > 0) {
            for (List<CaseResult> list : results.values()) {
                for (CaseResult r : list) {
                    if (verbose || !r.passed()) {
                        out.println("  " + r.describe());
                    }
                }
            }
        }
        out.flush();
        return failed == 0 ? 0 : 1;
    }

    private static int printTable(PrintWriter out, GoldenManifest manifest, Map<String, List<CaseResult>> results) {
        int width = manifest.cases().stream().mapToInt(c -> c.name().length()).max().orElse(4);
        StringBuilder head = new StringBuilder(String.format("%-" + width + "s  %-17s", "", ""));
        StringBuilder sub = new StringBuilder(String.format("%-" + width + "s  %-17s", "case", "op"));
        for (String b : results.keySet()) {
            head.append(String.format(" | %-24s", b));
            sub.append(String.format(" | %9s  %7s  %-4s", "rel err", "err/tol", ""));
        }
        out.println(head);
        out.println(sub);
        out.println("-".repeat(sub.length()));
        int failed = 0;
        for (int i = 0; i < manifest.cases().size(); i++) {
            GoldenCase c = manifest.cases().get(i);
            StringBuilder row = new StringBuilder(String.format("%-" + width + "s  %-17s", c.name(), c.op().cliName()));
            for (List<CaseResult> list : results.values()) {
                CaseResult r = list.get(i);
                if (!r.passed()) {
                    failed++;
                }
                if (r.error() != null) {
                    row.append(String.format(" | %9s  %7s  %-4s", "threw", "", "FAIL"));
                } else {
                    Comparison cmp = r.comparison();
                    row.append(String.format(" | %9.2e  %7.3f  %-4s", cmp.maxRelError(), cmp.worstRatio(),
                            cmp.passed() ? "PASS" : "FAIL"));
                }
            }
            out.println(row);
        }
        return failed;
    }

    /** ./golden-outputs, else the one of the installation ({@link Installation#home()}). */
    static Path defaultDir() {
        Path local = Path.of("golden-outputs");
        Path installed = Installation.home().resolve("golden-outputs");
        if (!Files.isDirectory(local) && Files.isDirectory(installed)) {
            return installed;
        }
        return local;
    }
}
