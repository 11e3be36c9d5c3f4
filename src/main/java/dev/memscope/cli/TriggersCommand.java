package dev.memscope.cli;

import dev.memscope.copy.CopyJudge;
import dev.memscope.io.OutputFolder;
import dev.memscope.io.OutputPaths;
import dev.memscope.kernels.Backends;
import dev.memscope.kernels.ScoreKernels;
import dev.memscope.model.lab.LabConfig;
import dev.memscope.progress.ConsoleProgress;
import dev.memscope.progress.Progress;
import dev.memscope.report.Csv;
import dev.memscope.report.Json;
import dev.memscope.source.CaptionLabel;
import dev.memscope.source.ModelSource;
import dev.memscope.source.ModelSources;
import dev.memscope.source.ModelSpec;
import dev.memscope.source.TestbedCaptions;
import dev.memscope.source.TestbedImages;
import dev.memscope.source.TestbedVariants;
import dev.memscope.triggers.VariantCopyFilter;
import dev.memscope.triggers.WordVariants;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code memscope triggers --model testbed}: word-level variants of the testbed's memorized captions that still copy
 * (docs/testbed.md, "Trigger variants"). The committed result, {@code models/testbed/triggers/}, is what
 * {@code membench --model testbed} adds to its trigger prompts.
 */
@Command(name = "triggers", mixinStandardHelpOptions = true,
        header = "Finds word-level variants of the testbed's memorized captions that still copy.",
        description = {"For each memorized caption of labels.csv, draws --per-caption word-level variants (seeded by "
                + "--seed): style or product word replaced by another training style or product, a concept-name "
                + "word replaced by another training name word, a word dropped, or two neighbouring words swapped; "
                + "never a training or labelled caption. Each variant is generated --generations times with "
                + "MemScope's DDIM (labels' seeds 777000.., 50 steps, guidance 7.5) and kept when at least half of "
                + "its generations copy the source caption's item image under the labels' rule (nearest training "
                + "image, within TAU).",
                "Writes variants.csv (every variant tried, with its copy rate and whether it is kept) and "
                + "summary.json into --out (replaced whole). The committed search is models/testbed/triggers/."})
public final class TriggersCommand implements Callable<Integer> {
    /**
     * Variants per memorized caption by default, sized for <= 15 minutes on the shared 2-core machine: a variant
     * costs 1-2 CPU-seconds but 4-14 s of wall under the other agents' load; 106 variants took 7 min 34 s at load ~12.
     */
    static final int DEFAULT_PER_CAPTION = 1;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ModelOptions model = new ModelOptions();

    @Mixin
    BackendOption backend = new BackendOption();

    @Option(names = "--per-caption", defaultValue = "" + DEFAULT_PER_CAPTION,
            description = "variants drawn per memorized caption (default " + DEFAULT_PER_CAPTION + ")")
    int perCaption;

    @Option(names = "--generations", defaultValue = "" + VariantCopyFilter.LABEL_GENERATIONS,
            description = "images per variant, seeds 777000.. (default 4, as the labels)")
    int generations;

    @Option(names = "--steps", defaultValue = "50", description = "DDIM steps (default 50, as the labels; fewer only "
            + "for tests)")
    int steps;

    @Option(names = "--seed", defaultValue = "0", description = "seed of the variant draws (default 0)")
    long seed;

    @Option(names = "--limit", description = "only the first N memorized captions of labels.csv")
    Integer limit;

    @Option(names = "--batch", defaultValue = "64", description = "samples per sampler call (default 64)")
    int batch;

    @Option(names = "--out", defaultValue = "triggers-testbed", description = "output folder (default "
            + "triggers-testbed)")
    Path out;

    /** The labels' guidance scale; not an option, since the copy rule was measured at it. */
    static final double GUIDANCE = 7.5;

    @Override
    public Integer call() throws Exception {
        OutputPaths.requireFolder("--out", out);
        ModelSpec s = model.spec();
        if (s.kind() != ModelSpec.Kind.TESTBED) {
            throw new IllegalArgumentException("triggers runs on --model testbed (it needs labels.csv, the training "
                    + "images and TAU); --model " + s + " is not supported");
        }
        if (perCaption < 1 || generations < 1 || steps < 1 || (limit != null && limit < 1)) {
            throw new IllegalArgumentException("need --per-caption, --generations, --steps and --limit >= 1");
        }
        PrintWriter stdout = spec.commandLine().getOut();
        Path dir = ModelSources.testbedDir(s);
        long t0 = System.nanoTime();
        String resolved = backend.resolved();
        try (ModelSource source = ModelSources.open(s, LabConfig.defaults(), resolved, model.onnxProvider());
             ScoreKernels kernels = Backends.create(resolved)) {
            var denoiser = source.denoiser();
            Map<String, CaptionLabel> labels = source.labels();
            TestbedImages images = TestbedImages.read(dir.resolve(TestbedImages.DIR), denoiser.height());
            double tau = dev.memscope.json.JsonDocument.read(dir.resolve(CopyJudge.DIR).resolve("copy.json")).root()
                    .get("tau").number();
            CopyJudge judge = CopyJudge.of(images, tau);
            TestbedCaptions captions = TestbedCaptions.read(dir.resolve(TestbedImages.DIR));
            List<VariantCopyFilter.Candidate> candidates = candidates(labels, captions, perCaption, seed, limit);
            int sources = (int) candidates.stream().map(c -> c.variant().source()).distinct().count();
            stdout.printf(Locale.ROOT, "trigger variants on the testbed (%s): %d variants of %d memorized captions "
                            + "(%d per caption), %d generations each, DDIM %d steps, guidance %s; TAU %.4f; "
                            + "backend %s%n", dir, candidates.size(), sources, perCaption, generations, steps,
                    GUIDANCE, tau, resolved);
            stdout.flush();
            Progress progress = new ConsoleProgress();
            progress.start("triggers: variants checked", candidates.size());
            List<VariantCopyFilter.Outcome> outcomes = new VariantCopyFilter(denoiser, kernels, judge, generations,
                    steps, GUIDANCE, batch).run(candidates, progress);
            progress.done();
            double seconds = (System.nanoTime() - t0) / 1e9;
            Map<String, Object> summary = summary(outcomes, sources, tau, seconds);
            printSummary(stdout, summary);
            OutputFolder.write(out, folder -> {
                Csv.write(folder.resolve(TestbedVariants.FILE), TestbedVariants.HEADER, rows(outcomes));
                Json.write(folder.resolve("summary.json"), summary);
            });
            stdout.printf(Locale.ROOT, "wrote %s and summary.json to %s (%.1f s)%n", TestbedVariants.FILE, out,
                    seconds);
            stdout.flush();
        }
        return 0;
    }

    /**
     * The variants to check: {@code perCaption} per memorized caption (labels.csv order), each with its source's
     * item; excluded are every training caption and every labelled caption, and a variant two sources share is
     * checked once (for the first).
     */
    static List<VariantCopyFilter.Candidate> candidates(Map<String, CaptionLabel> labels, TestbedCaptions captions,
                                                        int perCaption, long seed, Integer limit) {
        Set<String> excluded = new HashSet<>(captions.training());
        excluded.addAll(labels.keySet());
        WordVariants words = WordVariants.fromTitles(captions.titles(), excluded);
        List<VariantCopyFilter.Candidate> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int used = 0;
        for (Map.Entry<String, CaptionLabel> e : labels.entrySet()) {
            if (!e.getValue().memorized()) {
                continue;
            }
            if (limit != null && used == limit) {
                break;
            }
            used++;
            int item;
            try {
                item = Integer.parseInt(e.getValue().item());
            } catch (NumberFormatException x) {
                throw new IllegalArgumentException("labels: memorized caption '" + e.getKey() + "' has item '"
                        + e.getValue().item() + "', not an integer");
            }
            for (WordVariants.Variant v : words.draw(e.getKey(), perCaption, seed)) {
                if (seen.add(v.prompt())) {
                    out.add(new VariantCopyFilter.Candidate(v, item));
                }
            }
        }
        return out;
    }

    static List<List<Object>> rows(List<VariantCopyFilter.Outcome> outcomes) {
        List<List<Object>> rows = new ArrayList<>();
        for (VariantCopyFilter.Outcome o : outcomes) {
            WordVariants.Variant v = o.candidate().variant();
            rows.add(List.of(v.prompt(), v.source(), o.candidate().item(), v.edit().label(), o.copies(),
                    o.generations(), String.format(Locale.ROOT, "%.2f", o.copyRate()), o.kept() ? 1 : 0));
        }
        return rows;
    }

    static Map<String, Object> summary(List<VariantCopyFilter.Outcome> outcomes, int sources, double tau,
                                       double seconds) {
        Map<String, Object> byEdit = new LinkedHashMap<>();
        for (WordVariants.Edit e : WordVariants.Edit.values()) {
            List<VariantCopyFilter.Outcome> of = outcomes.stream()
                    .filter(o -> o.candidate().variant().edit() == e).toList();
            byEdit.put(e.label(), counts(of));
        }
        Set<String> sourcesKept = new HashSet<>();
        outcomes.stream().filter(VariantCopyFilter.Outcome::kept)
                .forEach(o -> sourcesKept.add(o.candidate().variant().source()));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", "memscope-testbed-triggers/1");
        m.put("rule", "kept when >= half of the generations copy the source caption's item image: nearest training "
                + "image under the colour-normalised RMS distance is that image and lies within TAU (labels.py)");
        m.put("tau", tau);
        m.put("sourceCaptions", sources);
        m.put("sourceCaptionsWithAKeptVariant", sourcesKept.size());
        m.put("all", counts(outcomes));
        m.put("byEdit", byEdit);
        m.put("seconds", seconds);
        return m;
    }

    private static Map<String, Object> counts(List<VariantCopyFilter.Outcome> of) {
        int kept = (int) of.stream().filter(VariantCopyFilter.Outcome::kept).count();
        double rate = of.stream().mapToDouble(VariantCopyFilter.Outcome::copyRate).average().orElse(Double.NaN);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tried", of.size());
        m.put("kept", kept);
        m.put("meanCopyRate", Double.isNaN(rate) ? null : rate);
        return m;
    }

    @SuppressWarnings("unchecked")
    private static void printSummary(PrintWriter stdout, Map<String, Object> summary) {
        stdout.println();
        stdout.printf(Locale.ROOT, "%-10s %6s %6s %10s%n", "edit", "tried", "kept", "copy rate");
        Map<String, Object> byEdit = (Map<String, Object>) summary.get("byEdit");
        Map<String, Object> rowsAll = new LinkedHashMap<>(byEdit);
        rowsAll.put("all", summary.get("all"));
        rowsAll.forEach((edit, v) -> {
            Map<String, Object> c = (Map<String, Object>) v;
            Object rate = c.get("meanCopyRate");
            stdout.printf(Locale.ROOT, "%-10s %6d %6d %10s%n", edit, (Integer) c.get("tried"), (Integer) c.get("kept"),
                    rate == null ? "-" : String.format(Locale.ROOT, "%.3f", (Double) rate));
        });
        stdout.printf(Locale.ROOT, "%d of %d memorized captions have a kept variant%n",
                (Integer) summary.get("sourceCaptionsWithAKeptVariant"), (Integer) summary.get("sourceCaptions"));
    }
}
