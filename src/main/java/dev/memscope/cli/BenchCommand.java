package dev.memscope.cli;

import dev.memscope.bench.BenchComparison;
import dev.memscope.bench.BenchReport;
import dev.memscope.bench.BenchSummary;
import dev.memscope.bench.JmhResult;
import dev.memscope.bench.JmhResults;
import dev.memscope.bench.Verdict;
import dev.memscope.io.OutputFolder;
import dev.memscope.io.OutputPaths;
import dev.memscope.report.Align;
import dev.memscope.report.CellFormat;
import dev.memscope.report.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code memscope bench compare|report|summary}: JMH JSON results into decisions, charts and tables. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        headerHeading = "%n", header = "Compare JMH runs and chart them.",
        subcommands = {BenchCommand.Compare.class, BenchCommand.Report.class, BenchCommand.Summary.class})
public final class BenchCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** "5%" and "5" both mean 5 %: a bare number is a percentage too, so the option has one meaning. */
    static double parseThreshold(String text) {
        String t = text.trim();
        if (t.endsWith("%")) {
            t = t.substring(0, t.length() - 1).trim();
        }
        double percent;
        try {
            percent = Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--threshold must be a percentage such as 5% or 2.5, got '"
                    + text + "'");
        }
        if (!(percent >= 0) || !Double.isFinite(percent)) {
            throw new IllegalArgumentException("--threshold must be >= 0%, got '" + text + "'");
        }
        return percent / 100.0;
    }

    @Command(name = "compare", mixinStandardHelpOptions = true,
            headerHeading = "%n", header = "Say which benchmarks got faster or slower between two JMH runs.",
            description = {"Matches benchmarks by name and params. A benchmark is slower or faster only when the two "
                    + "runs' JMH confidence intervals do not overlap AND the change is at least the threshold; "
                    + "otherwise it is 'same' (noise). Units are converted (us/op vs ms/op); thrpt: higher is better, "
                    + "avgt/sample/ss: lower is better.",
                    "Exit codes: 0 nothing slower, 1 something slower beyond the threshold, 2 bad input (also: no "
                            + "benchmark in common, a score <= 0, an inverted confidence interval)."})
    static final class Compare implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "BASE.json", description = "JMH -rf json of the base run")
        Path base;

        @Parameters(index = "1", paramLabel = "NEW.json", description = "JMH -rf json of the new run")
        Path fresh;

        @Option(names = "--threshold", defaultValue = "5%", paramLabel = "PCT",
                description = "smallest relative change that counts (default: 5%%; a bare number is a percentage too)")
        String threshold;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            double th = parseThreshold(threshold);
            List<JmhResult> b = JmhResults.read(base);
            List<JmhResult> n = JmhResults.read(fresh);
            BenchComparison cmp = BenchComparison.compare(b, n, th);
            Table.Builder t = Table.builder().column("benchmark")
                    .column("base", Align.RIGHT, CellFormat.text())
                    .column("new", Align.RIGHT, CellFormat.text())
                    .column("unit")
                    .column("change", Align.RIGHT, CellFormat.text())
                    .column("verdict");
            for (BenchComparison.Row r : cmp.rows()) {
                t.row(r.key(), withError(r.base(), r.baseError()), withError(r.fresh(), r.freshError()), r.unit(),
                        String.format(java.util.Locale.ROOT, "%+.1f%%", 100 * r.change()), r.verdict().label());
            }
            out.print(t.build().toConsole());
            list(out, "only in base (missing in new)", cmp.onlyInBase());
            list(out, "only in new", cmp.onlyInNew());
            list(out, "new params (benchmark known, params not in base)", cmp.newParams());
            long slower = cmp.rows().stream().filter(r -> r.verdict() == Verdict.SLOWER).count();
            long faster = cmp.rows().stream().filter(r -> r.verdict() == Verdict.FASTER).count();
            out.printf(java.util.Locale.ROOT, "%d compared: %d slower, %d faster, %d same (threshold %s, "
                            + "overlapping confidence intervals count as same)%n", cmp.rows().size(), slower, faster,
                    cmp.rows().size() - slower - faster, threshold);
            out.flush();
            return cmp.anySlower() ? 1 : 0;
        }

        private static String withError(double score, double error) {
            String s = significant(score, 4);
            return Double.isFinite(error) ? s + " ± " + significant(error, 2) : s;
        }

        /** Plain decimal notation with about {@code digits} significant digits (no exponent for timings). */
        static String significant(double x, int digits) {
            if (x == 0 || !Double.isFinite(x)) {
                return String.valueOf(x);
            }
            int magnitude = (int) Math.floor(Math.log10(Math.abs(x)));
            int decimals = Math.max(0, Math.min(9, digits - 1 - magnitude));
            return String.format(java.util.Locale.ROOT, "%." + decimals + "f", x);
        }

        private static void list(PrintWriter out, String title, List<String> keys) {
            if (!keys.isEmpty()) {
                out.println(title + ", " + keys.size() + ":");
                keys.forEach(k -> out.println("  " + k));
            }
        }
    }

    @Command(name = "report", mixinStandardHelpOptions = true,
            headerHeading = "%n", header = "PNG charts and a Markdown page from JMH results.",
            description = {"GB/s per kernel and backend (KernelBench), GFLOP/s of LabForwardBench, detector "
                    + "speed-up over wen-full (DetectorBench); only suites present in the inputs are charted. "
                    + "Writes *.png and report.md into --out."})
    static final class Report implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Parameters(arity = "1..*", paramLabel = "RESULTS.json", description = "JMH -rf json files")
        List<Path> files;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "output folder")
        Path out;

        @Option(names = "--bandwidth", paramLabel = "GBps",
                description = "the machine's measured memory bandwidth in GB/s, drawn on the kernel charts")
        Double bandwidth;

        @Override
        public Integer call() throws IOException {
            if (bandwidth != null && !(bandwidth > 0 && Double.isFinite(bandwidth))) {
                throw new IllegalArgumentException("--bandwidth must be a finite number of GB/s > 0, got " + bandwidth);
            }
            OutputPaths.requireFolder("--out", out, files.toArray(Path[]::new));
            List<JmhResult> all = new ArrayList<>();
            for (Path f : files) {
                all.addAll(JmhResults.read(f));
            }
            BenchReport report = new BenchReport(all, files.stream().map(Path::toString).toList(),
                    bandwidth == null ? Double.NaN : bandwidth);
            PrintWriter o = spec.commandLine().getOut();
            List<Path> written = new ArrayList<>();
            OutputFolder.write(out, tmp -> {
                for (Path p : report.write(tmp)) {
                    written.add(out.resolve(tmp.relativize(p)));
                }
            });
            for (Path p : written) {
                o.println("wrote " + p);
            }
            o.flush();
            return 0;
        }
    }

    @Command(name = "summary", mixinStandardHelpOptions = true,
            headerHeading = "%n", header = "Plain-text tables of JMH results (what scripts/bench.sh prints).",
            description = {"Per kernel op, backend and batch: median time, GB/s of compulsory traffic (from each op's "
                    + "description in KernelOp) and allocation per op when JMH ran -prof gc. DetectorBench rows: ms "
                    + "per prompt; AmgOverheadBench rows: ms per DDIM step and the ratio to plain guidance."})
    static final class Summary implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Parameters(arity = "1..*", paramLabel = "RESULTS.json", description = "JMH -rf json files")
        List<Path> files;

        @Override
        public Integer call() throws IOException {
            List<JmhResult> all = new ArrayList<>();
            for (Path f : files) {
                all.addAll(JmhResults.read(f));
            }
            PrintWriter o = spec.commandLine().getOut();
            BenchSummary.lines(all).forEach(o::println);
            o.flush();
            return 0;
        }
    }
}
