package dev.memscope.cli;

import dev.memscope.kernels.Backends;
import picocli.CommandLine.Option;

/** {@code --backend}: the kernel backend, separate from any model's options (the lab's GEMM follows it). */
public final class BackendOption {
    @Option(names = "--backend", defaultValue = "auto",
            description = "kernel backend: auto, cpu, scalar, cuda (cuda also picks the lab's CUDA GEMM)")
    String backend;

    /** The backend to use (auto resolved). */
    public String resolved() {
        return Backends.resolve(backend);
    }

    /** For the console: what auto chose and why, else the backend. */
    String describe() {
        return Backends.AUTO.equalsIgnoreCase(backend) ? Backends.describeAuto() : resolved();
    }
}
