package dev.memscope.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code memscope} command line. Subcommands register themselves in {@link #SUBCOMMANDS}. */
@Command(name = "memscope", mixinStandardHelpOptions = true, version = "MemScope 0.1.0",
        description = "Detect, measure and mitigate training-data memorization in text-to-image diffusion models.")
public final class MemScope implements Runnable {

    /** Every subcommand class, in the order the help lists them. */
    static final Class<?>[] SUBCOMMANDS = {
        CompareCommand.class,
        DetectCommand.class,
        ClidCommand.class,
        LabCommand.class,
        KernelCommand.class,
        GoldenCommand.class,
        ThroughputCommand.class,
        BenchCommand.class,
        MembenchCommand.class,
        SampleCommand.class,
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
        cl.setExecutionExceptionHandler(MemScope::handle);
        return cl;
    }

    /**
     * Bad input (a missing or malformed file, a bad parameter, an unavailable backend, NaN in a tensor) is the
     * user's to fix: one line naming what is wrong, exit code 2. Anything else is a bug: the stack trace, exit 1.
     * {@code MEMSCOPE_DEBUG=1} prints the stack trace in both cases.
     */
    private static int handle(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        boolean debug = System.getenv("MEMSCOPE_DEBUG") != null;
        if (isUserError(e)) {
            if (debug) {
                e.printStackTrace(cmd.getErr());
            }
            cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": error: " + describe(e));
            cmd.getErr().flush();
            return 2;
        }
        e.printStackTrace(cmd.getErr());
        cmd.getErr().flush();
        return 1;
    }

    static boolean isUserError(Throwable e) {
        return e instanceof IllegalArgumentException || e instanceof IllegalStateException
                || e instanceof java.io.IOException || e instanceof java.io.UncheckedIOException;
    }

    static String describe(Throwable e) {
        if (e instanceof java.nio.file.NoSuchFileException nsf) {
            return "no such file: " + nsf.getFile() + (nsf.getReason() == null ? "" : " (" + nsf.getReason() + ")");
        }
        if (e instanceof java.io.UncheckedIOException u && u.getCause() != null) {
            return describe(u.getCause());
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
