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
        SearchTriggersCommand.class,
        AugmentTriggerCommand.class,
        TriggersCommand.class,
    };

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Exit code of bad input: a missing or malformed file, a bad parameter. */
    public static final int BAD_INPUT = 2;
    /** Exit code of an internal error (a bug, out of memory): distinct from 1 (slower / a case fails) and 2. */
    public static final int INTERNAL_ERROR = 3;

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new MemScope());
        for (Class<?> c : SUBCOMMANDS) {
            cl.addSubcommand(c);
        }
        cl.setExecutionExceptionHandler(MemScope::handle);
        return cl;
    }

    /**
     * Runs a command line and turns whatever escapes it into one line on stderr and an exit code. picocli's handler
     * only sees {@link Exception}s; an {@link Error} (out of memory, a stack overflow on a deeply nested input)
     * propagates out of {@code execute} and is caught here.
     */
    public static int execute(CommandLine cl, String... args) {
        try {
            return cl.execute(args);
        } catch (Throwable t) {   // the last line of defence: nothing reaches the user as a stack trace
            return report(t, cl.getErr(), "memscope");
        }
    }

    /**
     * Bad input (a missing or malformed file, a bad parameter, an unavailable backend, NaN in a tensor) is the
     * user's to fix: one line naming what is wrong, exit code 2. Anything else is an internal error: one line
     * saying what and where, exit code 3. {@code MEMSCOPE_DEBUG=1} prints the stack trace as well.
     */
    private static int handle(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        return report(e, cmd.getErr(), cmd.getCommandSpec().qualifiedName());
    }

    /** Public for commands with their own entry point ({@code memscope scan}), so every command fails alike. */
    public static int report(Throwable thrown, java.io.PrintWriter err, String command) {
        Throwable e = thrown instanceof CommandLine.ExecutionException && thrown.getCause() != null
                ? thrown.getCause() : thrown;
        if (System.getenv("MEMSCOPE_DEBUG") != null) {
            e.printStackTrace(err);
        }
        int code;
        if (isUserError(e)) {
            err.println(command + ": error: " + describe(e));
            code = BAD_INPUT;
        } else {
            err.println(command + ": internal error: " + describeInternal(e));
            code = INTERNAL_ERROR;
        }
        err.flush();
        return code;
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

    /** What went wrong and the innermost MemScope frame it happened in, so a bug report can start from one line. */
    static String describeInternal(Throwable e) {
        if (e instanceof OutOfMemoryError) {
            return String.format(java.util.Locale.ROOT, "out of memory (%s; the heap may grow to %.1f GiB): give "
                    + "the JVM more with MEMSCOPE_JAVA_OPTS=-Xmx..., or run smaller (--quick, --limit, --batch)",
                    oneLine(String.valueOf(e.getMessage())), Runtime.getRuntime().maxMemory() / (double) (1L << 30));
        }
        if (e instanceof StackOverflowError) {
            return "stack overflow (an input nested too deeply?)" + where(e) + "; rerun with MEMSCOPE_DEBUG=1 for "
                    + "the stack trace";
        }
        String what = e.getClass().getName() + (e.getMessage() == null ? "" : ": " + oneLine(e.getMessage()));
        return what + where(e) + "; this is a bug, please report it (MEMSCOPE_DEBUG=1 prints the stack trace)";
    }

    private static String where(Throwable e) {
        for (StackTraceElement f : e.getStackTrace()) {
            if (f.getClassName().startsWith("dev.memscope.")) {
                return " at " + f.getClassName().substring("dev.memscope.".length()) + "." + f.getMethodName()
                        + (f.getLineNumber() > 0 ? ":" + f.getLineNumber() : "");
            }
        }
        return "";
    }

    private static String oneLine(String s) {
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl).strip() + " ...";
    }

    public static void main(String[] args) {
        System.exit(execute(commandLine(), args));
    }
}
