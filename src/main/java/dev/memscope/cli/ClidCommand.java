package dev.memscope.cli;

import dev.memscope.io.OutputFolder;
import dev.memscope.io.OutputPaths;
import dev.memscope.mia.AttackRow;
import dev.memscope.mia.ClidFeatureFile;
import dev.memscope.mia.ClidFeatures;
import dev.memscope.mia.ClidResult;
import dev.memscope.mia.ClidTable;
import dev.memscope.mia.ClidThreshold;
import dev.memscope.mia.LabClidExperiment;
import dev.memscope.mia.ReleasedClidFiles;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code memscope clid}: CLiD_th membership inference, either on released feature files (shadow and target,
 * members and hold-out) or end to end on a shadow and a target lab world ({@code --lab}); {@code --table} recomputes
 * the paper's whole table (baselines, CLiD_th, CLiD_vec) from the released files.
 */
@Command(name = "clid", mixinStandardHelpOptions = true,
        description = "CLiD membership inference (CLiD_th): score released feature files, run the lab experiment, "
                + "or print the paper's table from the released files (--table).")
public final class ClidCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @ArgGroup(exclusive = false)
        Files files;

        @Option(names = "--lab", required = true,
                description = "build a shadow and a target lab world and run the whole experiment")
        boolean lab;

        @Option(names = "--table", required = true,
                description = "the paper's table from the released files: PIA, SecMI, PFAMI, CLiD_th, CLiD_vec")
        boolean table;
    }

    static final class Files {
        @Option(names = "--shadow-members", required = true, description = "shadow model, member features")
        Path shadowMembers;

        @Option(names = "--shadow-holdout", required = true, description = "shadow model, hold-out features")
        Path shadowHoldout;

        @Option(names = "--target-members", required = true, description = "target model, member features")
        Path targetMembers;

        @Option(names = "--target-holdout", required = true, description = "target model, hold-out features")
        Path targetHoldout;
    }

    @Option(names = "--dir", description = "with --table: the folder of the 16 released files "
            + "(default <memscope.shared>/data/clid, i.e. ../shared/data/clid)")
    Path tableDir;

    @Option(names = "--seed", description = "with --table: XGBoost's seed for CLiD_vec (default 0)")
    Integer seed;

    @Option(names = "--skip-first-row",
            description = "drop the first line of every file, as the authors' scripts do (they expect a header)")
    boolean skipFirstRow;

    @Option(names = "--quick", description = "with --lab: smaller worlds and fewer samples (seconds)")
    boolean quick;

    @Option(names = "--mem-per-world", description = "with --lab: memorized captions per world (half held out)")
    Integer memPerWorld;

    @Option(names = "--nmem-per-world",
            description = "with --lab: non-memorized captions per world (half held out)")
    Integer nmemPerWorld;

    @Option(names = "--set", description = "with --lab: override a lab config key of the recipe, e.g. "
            + "--set meanScale=0.3 (repeatable; see docs/lab.md)")
    java.util.List<String> assignments = new java.util.ArrayList<>();

    @Option(names = "--out", description = "with --lab: write the four feature files (released format) here")
    Path outDir;

    @Mixin
    BackendOption backend = new BackendOption();

    @Mixin
    ModelOptions model = new ModelOptions();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (source.lab && skipFirstRow) {
            throw new ParameterException(spec.commandLine(), "--skip-first-row applies to feature files, not --lab");
        }
        if (!source.lab && (quick || !assignments.isEmpty() || outDir != null || memPerWorld != null
                || nmemPerWorld != null)) {
            throw new ParameterException(spec.commandLine(),
                    "--quick, --set, --out, --mem-per-world and --nmem-per-world apply only with --lab");
        }
        if (!source.table && (tableDir != null || seed != null)) {
            throw new ParameterException(spec.commandLine(), "--dir and --seed apply only with --table");
        }
        if (source.table) {
            Path dir = tableDir != null ? tableDir
                    : System.getProperty("memscope.shared") != null
                    ? Path.of(System.getProperty("memscope.shared"), "data", "clid")
                    : dev.memscope.io.Installation.sharedBesideHome().resolve("data").resolve("clid");
            List<AttackRow> rows = ClidTable.compute(ReleasedClidFiles.in(dir), skipFirstRow, seed != null ? seed : 0);
            out.println("CLiD table 2 (COCO, real-world setting) from " + dir + (skipFirstRow
                    ? ", first row of every file dropped (as the authors' scripts do)" : ", all rows"));
            ClidTable.render(rows).forEach(out::println);
            out.flush();
            return 0;
        }
        requireNonNegative("--mem-per-world", memPerWorld);
        requireNonNegative("--nmem-per-world", nmemPerWorld);
        if (source.lab) {
            model.requireLab("clid --lab", "it builds a shadow and a target lab world");
            if (outDir != null) {
                OutputPaths.requireFolder("--out", outDir);
            }
        } else if (model.model != null || model.onnx != null || model.replay != null) {
            throw new ParameterException(spec.commandLine(), "--model applies only with --lab");
        }
        ClidResult r;
        if (source.lab) {
            LabClidExperiment.Settings settings = quick ? LabClidExperiment.Settings.quick()
                    : LabClidExperiment.Settings.standard();
            settings = settings.withAssignments(assignments);
            if (memPerWorld != null || nmemPerWorld != null) {
                settings = new LabClidExperiment.Settings(settings.recipe(),
                        memPerWorld != null ? memPerWorld : settings.memPerWorld(),
                        nmemPerWorld != null ? nmemPerWorld : settings.nmemPerWorld(),
                        settings.shadowSeed(), settings.targetSeed(), settings.batchLatents());
            }
            LabClidExperiment.Outcome o = LabClidExperiment.run(settings, backend.resolved(), out);
            r = o.result();
            if (outDir != null) {
                OutputFolder.write(outDir, dir -> {
                    ClidFeatureFile.write(o.shadowMembers(), dir.resolve("shadow_members.txt"));
                    ClidFeatureFile.write(o.shadowHoldout(), dir.resolve("shadow_holdout.txt"));
                    ClidFeatureFile.write(o.targetMembers(), dir.resolve("target_members.txt"));
                    ClidFeatureFile.write(o.targetHoldout(), dir.resolve("target_holdout.txt"));
                });
                out.println("wrote shadow_members.txt, shadow_holdout.txt, target_members.txt, target_holdout.txt to "
                        + outDir);
            }
        } else {
            Files f = source.files;
            r = ClidThreshold.evaluate(ClidFeatureFile.read(f.shadowMembers, skipFirstRow),
                    ClidFeatureFile.read(f.shadowHoldout, skipFirstRow),
                    ClidFeatureFile.read(f.targetMembers, skipFirstRow),
                    ClidFeatureFile.read(f.targetHoldout, skipFirstRow));
        }
        print(out, r);
        return 0;
    }

    private static void requireNonNegative(String option, Integer value) {
        if (value != null && value < 0) {
            throw new IllegalArgumentException(option + " must be >= 0, got " + value);
        }
    }

    static void print(PrintWriter out, ClidResult r) {
        out.println(String.format(Locale.ROOT, "alpha              %.1f", r.alpha()));
        out.println(String.format(Locale.ROOT, "threshold          %.10g  (shadow accuracy %.6f, shadow sweep AUC %.6f)",
                r.threshold(), r.shadowAccuracy(), r.shadowSweepAuc()));
        out.println(String.format(Locale.ROOT, "ASR                %.6f", r.targetAsr()));
        out.println(String.format(Locale.ROOT, "AUC                %.6f", r.targetAuc()));
        out.println(String.format(Locale.ROOT, "TPR@1%%FPR          %.6f  (first FPR >= 1%%; nearest 1%%: %.6f; last below 1%%: %.6f)",
                r.targetTprAt1(), r.targetTprNearest(), r.targetTprBelow()));
        out.println(String.format(Locale.ROOT, "target sweep AUC   %.6f", r.targetSweepAuc()));
        out.flush();
    }
}
