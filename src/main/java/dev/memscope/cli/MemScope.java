package dev.memscope.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code memscope} command line. Subcommands register themselves in {@link #SUBCOMMANDS}. */
@Command(name = "memscope", mixinStandardHelpOptions = true, version = "MemScope 0.1.0",
        description = "Detect, measure and mitigate training-data memorization in text-to-image diffusion models.")
public final class MemScope implements Runnable {

    /** Every subcommand class, in the order the help lists them. */
    static final Class<?>[] SUBCOMMANDS = {
        LabCommand.class,
        KernelCommand.class,
        GoldenCommand.class,
        ThroughputCommand.class,
        ClidCommand.class,
    };

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new MemScope());
        for (Class<?> c : SUBCOMMANDS) {
            cl.addSubcommand(c);
        }
        return cl;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
