package dev.memscope.cli;

import dev.memscope.golden.GoldenManifest;
import dev.memscope.golden.SavedOutputs;
import dev.memscope.io.OutputFolder;
import dev.memscope.io.OutputPaths;
import dev.memscope.kernels.Backends;
import dev.memscope.kernels.ScoreKernels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code memscope golden save}: one backend's outputs on every golden case, for a later
 * {@code golden check --against DIR}. Exit 0 when saved, 2 when the goldens, the backend or the folder fail.
 */
@Command(name = "save", mixinStandardHelpOptions = true,
        description = {"Runs every golden case on one backend and saves each output (float32 .npy) with",
                "saved-outputs.json (case -> file, shape, tolerance) into DIR, for golden check --against DIR."})
public final class GoldenSaveCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--backend", defaultValue = "cpu", paramLabel = "B", description = "the backend to run (default: cpu)")
    String backend;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "folder to write (created if missing)")
    Path out;

    @Option(names = "--dir", paramLabel = "DIR",
            description = "golden folder (default: ./golden-outputs, else $MEMSCOPE_HOME/golden-outputs)")
    Path dir;

    @Override
    public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path folder = dir != null ? dir : GoldenCheckCommand.defaultDir();
        try {
            OutputPaths.requireFolder("--out", out, folder);
            GoldenManifest manifest = GoldenManifest.load(folder);
            try (ScoreKernels k = Backends.create(Backends.resolve(backend))) {
                SavedOutputs[] kept = new SavedOutputs[1];
                OutputFolder.write(out, tmp -> kept[0] = SavedOutputs.save(manifest, k, tmp));
                SavedOutputs saved = kept[0];
                o.printf("saved %d cases of %s on %s into %s%n", saved.entries().size(), folder, saved.backend(), out);
            }
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            return KernelCommand.fail(err, e.getMessage());
        }
        o.flush();
        return 0;
    }
}
