package dev.memscope.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code memscope golden ...}: the golden outputs of scripts/golden/generate.py. */
@Command(name = "golden", mixinStandardHelpOptions = true, subcommands = {GoldenCheckCommand.class, GoldenSaveCommand.class},
        description = "Golden outputs (made by scripts/golden/generate.py with NumPy in float64).")
public final class GoldenCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
