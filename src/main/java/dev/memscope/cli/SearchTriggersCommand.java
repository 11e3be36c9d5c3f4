package dev.memscope.cli;

import dev.memscope.copy.CopyJudge;
import dev.memscope.copy.EmbeddingDistance;
import dev.memscope.copy.ImageDistance;
import dev.memscope.eval.imagespace.MetricModels;
import dev.memscope.io.OutputFolder;
import dev.memscope.io.OutputPaths;
import dev.memscope.json.JsonDocument;
import dev.memscope.kernels.Backends;
import dev.memscope.kernels.ScoreKernels;
import dev.memscope.progress.ConsoleProgress;
import dev.memscope.source.CaptionLabel;
import dev.memscope.source.ModelSource;
import dev.memscope.source.ModelSources;
import dev.memscope.source.TestbedImages;
import dev.memscope.source.ModelSpec;
import dev.memscope.triggers.BigramSlotModel;
import dev.memscope.triggers.ChainConfig;
import dev.memscope.triggers.CopyCheck;
import dev.memscope.triggers.GuidanceScore;
import dev.memscope.triggers.SearchReport;
import dev.memscope.triggers.TriggerSearch;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code memscope search-triggers}: N resumable Gibbs chains (MemBench Algorithm 1) on any model source, each
 * found prompt generated and clustered; on the testbed, recall of the memorized images against forward passes and
 * the precision of found prompts (docs/testbed.md, "Trigger search").
 */
@Command(name = "search-triggers", mixinStandardHelpOptions = true,
        header = "Searches for prompts that make the model copy (MemBench Algorithm 1).",
        description = {"Runs --chains Gibbs chains over word slots: a language model built from --corpus (testbed: "
                + "its captions) proposes --k words for a masked slot, all candidates are scored by D = "
                + "||eps_c - eps_u||^2 at t = 999 on one shared x_T, one is drawn from softmax(D / 0.1) and the "
                + "best prompt is kept. Each best prompt is generated --generations times and clustered (DBSCAN, "
                + "min 3); on the testbed its copies are judged against the training images (TAU).",
                "Chains resume from --state (one file per chain). Writes results.json, chains.csv, recall.png and "
                + "report.md into --out (replaced whole)."})
public final class SearchTriggersCommand implements Callable<Integer> {
    /** MemBench's DBSCAN eps on 1 - cosine of copy embeddings. */
    static final double EMBEDDING_EPS = 0.5;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ModelOptions model = new ModelOptions();

    @Mixin
    LabCommand.WorldOptions world = new LabCommand.WorldOptions();

    @Mixin
    BackendOption backend = new BackendOption();

    @Mixin
    TriggerOptions trigger = new TriggerOptions();

    @Option(names = "--chains", defaultValue = "8", description = "number of chains (default 8)")
    int chains;

    @Option(names = "--iterations", defaultValue = "20", description = "Gibbs iterations per chain (default 20)")
    int iterations;

    @Option(names = "--k", defaultValue = "200", description = "words proposed per masked slot (default 200)")
    int k;

    @Option(names = "--length", defaultValue = "0", description = "word slots L (default 0: drawn per chain from "
            + "the corpus' caption lengths)")
    int length;

    @Option(names = "--proposal-temperature", defaultValue = "0.1", description = "language model temperature "
            + "(default 0.1)")
    double proposalTemperature;

    @Option(names = "--selection-temperature", defaultValue = "0.1", description = "tau of softmax(D / tau) "
            + "(default 0.1)")
    double selectionTemperature;

    @Option(names = "--seed", defaultValue = "0", description = "chain j uses seed + j (default 0)")
    long seed;

    @Option(names = "--generations", defaultValue = "50", description = "images per found prompt for the copy "
            + "check (default 50)")
    int generations;

    @Option(names = "--cluster-distance", defaultValue = "auto", paramLabel = "embedding|rms|auto",
            description = "DBSCAN's distance: embedding = 1 - cosine of the copy embedding (MemBench's, eps 0.5), "
                    + "rms = the colour-normalised RMS distance (eps TAU); auto: embedding where the model folder "
                    + "has metrics/ (the testbed), else rms")
    String clusterDistance;

    @Option(names = "--cluster-eps", description = "DBSCAN eps (default: 0.5 for embedding, TAU for rms)")
    Double clusterEps;

    @Option(names = "--copy-reference", paramLabel = "DIR", description = "a testbed-layout folder whose images/ "
            + "the copy judgement compares with and whose copy/copy.json gives TAU (default: the testbed's own)")
    Path copyDir;

    @Option(names = "--state", paramLabel = "DIR", description = "chain state files (default: OUT.state beside "
            + "--out); an existing state is resumed")
    Path state;

    @Option(names = "--out", defaultValue = "triggers-out", description = "output folder (default triggers-out)")
    Path out;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        OutputPaths.requireFolder("--out", out, trigger.corpus == null ? new Path[0] : new Path[] {trigger.corpus});
        if (chains < 1) {
            throw new IllegalArgumentException("--chains must be >= 1, got " + chains);
        }
        if (generations < 0) {
            throw new IllegalArgumentException("--generations must be >= 0, got " + generations);
        }
        ChainConfig template = new ChainConfig(seed, length, iterations, k, proposalTemperature,
                selectionTemperature, trigger.noiseSeed);
        Path stateDir = state != null ? state : out.toAbsolutePath().resolveSibling(out.getFileName() + ".state");
        if (stateDir.toAbsolutePath().normalize().startsWith(out.toAbsolutePath().normalize())) {
            // --out is replaced whole at the end; state inside it would be lost with every run
            throw new IllegalArgumentException("--state " + stateDir + " lies inside --out " + out
                    + "; put the chain state beside it");
        }
        long t0 = System.nanoTime();
        SearchReport report;
        MetricModels metrics = null;
        try (ModelSource source = model.open(world, backend); ScoreKernels kernels = Backends.create(
                backend.resolved())) {
            BigramSlotModel lm = trigger.languageModel(source);
            CopyJudge judge = openJudge(source);
            Set<Integer> memorized = memorizedItems(source.labels());
            if (generations == 0) {
                throw new IllegalArgumentException("--generations 0: the search without a copy check is not "
                        + "implemented yet; give --generations >= 1");
            }
            Path metricsDir = referenceDir(source).resolve(MetricModels.DIR);
            String distanceKind = switch (clusterDistance) {
                case "auto" -> Files.isDirectory(metricsDir) ? "embedding" : "rms";
                case "embedding", "rms" -> clusterDistance;
                default -> throw new IllegalArgumentException("--cluster-distance must be embedding, rms or auto, "
                        + "got '" + clusterDistance + "'");
            };
            ImageDistance distance = judge.distance();
            double eps = clusterEps != null ? clusterEps : judge.tau();
            if (distanceKind.equals("embedding")) {
                metrics = MetricModels.open(metricsDir, source.denoiser().channels(), source.denoiser().height());
                MetricModels m = metrics;
                distance = new EmbeddingDistance(img -> m.copyEmbeddings(img, 1)[0]);
                eps = clusterEps != null ? clusterEps : EMBEDDING_EPS;
            }
            CopyCheck check = new CopyCheck(source.denoiser(), kernels, judge, distance, eps, generations,
                    trigger.batch, CopyCheck.DEFAULT_SEED);
            GuidanceScore d = new GuidanceScore(source.denoiser(), kernels, trigger.batch, trigger.noiseSeed);
            stdout.printf(Locale.ROOT, "%s; language model: bigram slots over %d words; %d memorized images; "
                    + "state in %s%n", source.info().about(), lm.vocabulary(), memorized.size(), stateDir);
            stdout.flush();
            TriggerSearch search = new TriggerSearch(lm, d, check, trigger.banned(), memorized, stateDir);
            List<TriggerSearch.ChainResult> results = search.run(chains, template, new ConsoleProgress());
            Map<String, Object> setup = new LinkedHashMap<>();
            setup.put("model", source.info().fields());
            setup.put("languageModel", Map.of("kind", "bigram-slot", "vocabulary", lm.vocabulary()));
            setup.put("t", GuidanceScore.T);
            setup.put("chains", chains);
            setup.put("iterations", iterations);
            setup.put("k", k);
            setup.put("proposalTemperature", proposalTemperature);
            setup.put("selectionTemperature", selectionTemperature);
            setup.put("generations", generations);
            setup.put("clusterDistance", distanceKind);
            setup.put("clusterEps", eps);
            setup.put("tau", judge.tau());
            report = new SearchReport(results, search.curve(results), setup, memorized.size(),
                    (System.nanoTime() - t0) / 1e9);
        } finally {
            if (metrics != null) {
                metrics.close();
            }
        }
        stdout.println();
        stdout.print(report.table().toConsole());
        stdout.println(report.summary());
        stdout.flush();
        OutputFolder.write(out, report::write);
        stdout.println("wrote " + String.join(", ", SearchReport.FILES) + " to " + out);
        return 0;
    }

    /** The folder with images/, copy/ and metrics/: --copy-reference, else the testbed's own. */
    private Path referenceDir(ModelSource source) {
        if (copyDir != null) {
            return copyDir;
        }
        if (source.spec().kind() != ModelSpec.Kind.TESTBED) {
            throw new IllegalArgumentException("--copy-reference DIR is required for --model " + source.spec()
                    + " (a testbed-layout folder: images/ to judge copies against, copy/copy.json for TAU)");
        }
        return ModelSources.testbedDir(source.spec());
    }

    private CopyJudge openJudge(ModelSource source) throws java.io.IOException {
        Path dir = referenceDir(source);
        double tau = JsonDocument.read(dir.resolve(CopyJudge.DIR).resolve("copy.json")).root().get("tau").number();
        TestbedImages images = TestbedImages.read(dir.resolve(TestbedImages.DIR), source.denoiser().height());
        return CopyJudge.of(images, tau);
    }

    static Set<Integer> memorizedItems(Map<String, CaptionLabel> labels) {
        Set<Integer> s = new LinkedHashSet<>();
        for (CaptionLabel l : labels.values()) {
            if (l.memorized()) {
                try {
                    s.add(Integer.parseInt(l.item()));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("labels: memorized caption with item '" + l.item()
                            + "', not an integer");
                }
            }
        }
        return s;
    }
}
