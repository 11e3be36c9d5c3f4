package dev.memscope.scan;

import dev.memscope.cli.BackendOption;
import dev.memscope.cli.ModelOptions;
import dev.memscope.io.OutputPaths;
import dev.memscope.scan.input.InputSet;
import dev.memscope.scan.score.ModelKey;
import dev.memscope.scan.score.ScanDetector;
import dev.memscope.source.ModelSources;
import dev.memscope.source.ModelSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code memscope scan}: scores a caption corpus of any size with the denoising-free detectors on Apache Spark,
 * resumably (see docs/scan.md). Spark's own logging goes to {@code <out>/spark.log}; the console gets one line per
 * committed chunk.
 */
@Command(name = "scan", mixinStandardHelpOptions = true, subcommands = TextToParquet.class,
        description = "Score a caption corpus (text, jsonl, CSV, Parquet files or folders) for memorization on Apache "
                + "Spark; resumable, Parquet out.")
public final class ScanCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model = new ModelOptions();

    @Mixin
    BackendOption backend = new BackendOption();

    @Option(names = "--input", split = ",", description = "input files or folders (.txt, .jsonl, .csv, .parquet)")
    List<Path> inputs = new ArrayList<>();

    @Option(names = "--column", description = "caption column of jsonl, CSV and Parquet inputs (default: caption, "
            + "else TEXT)")
    String column;

    @Option(names = "--out", description = "output folder (resumed when it holds an unfinished scan of the same "
            + "inputs and settings)")
    Path out;

    @Option(names = "--detectors", defaultValue = "anisotropy",
            description = "anisotropy and/or wen-first, comma-separated (default anisotropy); the first is ranked")
    String detectors;

    @Option(names = "--threshold", description = "flag rows whose first detector's score is >= this value")
    Double threshold;

    @Option(names = "--top-k", paramLabel = "K", description = "flag the K rows with the highest first-detector "
            + "score over the whole input, ties to the lower row id (set once every chunk is committed; not with "
            + "--threshold)")
    Integer topK;

    @Option(names = "--summary-rows", paramLabel = "N", defaultValue = "20",
            description = "top rows listed in summary.md/json (default 20)")
    int summaryRows;

    @Option(names = "--master", defaultValue = "local[*]",
            description = "Spark master: local[*] (default, embedded), local[N], spark://HOST:PORT")
    String master;

    @Option(names = "--threads-per-slot", paramLabel = "N|auto", defaultValue = "auto",
            description = "threads of each task slot's scorer (kernels, ONNX Runtime); auto: cores / slots with "
                    + "local[N], 1 on a cluster (one slot per executor core), so slots do not oversubscribe cores")
    String threadsPerSlot;

    @Option(names = "--conf", description = "extra Spark setting KEY=VALUE (repeatable)")
    List<String> conf = new ArrayList<>();

    @Option(names = "--chunk-rows", defaultValue = "10000", description = "rows per committed chunk (default 10000)")
    int chunkRows;

    @Option(names = "--batch-rows", defaultValue = "256",
            description = "captions per detector call on an executor (default 256)")
    int batchRows;

    @Option(names = "--batch", defaultValue = "64", description = "latents per denoiser call (default 64, as detect)")
    int batch;

    @Override
    public Integer call() throws Exception {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("--input FILE|FOLDER is required");
        }
        if (out == null) {
            throw new IllegalArgumentException("--out FOLDER is required");
        }
        OutputPaths.requireFolder("--out", out, inputs.toArray(Path[]::new));
        Map<String, String> extra = new LinkedHashMap<>();
        for (String kv : conf) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--conf '" + kv + "': expected KEY=VALUE");
            }
            extra.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        List<String> columns = column != null ? List.of(column) : List.of("caption", "TEXT");
        ModelSpec spec = model.spec();
        Path testbed = dev.memscope.io.Installation.home().resolve(ModelSources.TESTBED_DIR);
        ScanSettings s = new ScanSettings(InputSet.of(inputs, columns), out,
                ModelKey.resolve(spec, testbed, backend.resolved(), model.onnxProvider(),
                        SlotThreads.resolve(threadsPerSlot, master, Runtime.getRuntime().availableProcessors())),
                ScanDetector.parseList(detectors), chunkRows, batchRows, batch, threshold, topK, summaryRows);
        // a missing caption column is found before Spark starts or anything is written
        s.inputs().checkColumns();
        java.nio.file.Files.createDirectories(out);
        // before Spark's first log line: its log4j2 configuration (log4j2.properties) writes to this file
        System.setProperty("memscope.scan.log", out.resolve("spark.log").toAbsolutePath().toString());
        SparkSession spark = SparkContexts.start(master, extra);
        try {
            new ScanRunner(SparkContexts.java(spark), System.err).run(s);
        } finally {
            spark.stop();
        }
        return 0;
    }
}
