package dev.memscope.scan;

import dev.memscope.cli.MemScope;
import picocli.CommandLine;

/** Entry point of {@code memscope scan} (scripts/memscope runs it for the {@code scan} command). */
public final class ScanMain {
    private ScanMain() {
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new ScanCommand());
        cl.setCommandName("memscope scan");
        // the core's handling, so scan fails like every command: one line, exit 2 for bad input, 3 for a bug
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> MemScope.report(e, cmd.getErr(), "memscope scan"));
        return cl;
    }

    public static void main(String[] args) {
        System.exit(MemScope.execute(commandLine(), args));
    }
}
