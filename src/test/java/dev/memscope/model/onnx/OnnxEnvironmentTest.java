package dev.memscope.model.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The shared intra-op pool: opening a model starts no ONNX Runtime threads of its own by default, and does with
 * {@link OnnxModels#INTRA_OP_THREADS} set (which also shows that the count below sees such threads). ONNX Runtime's
 * pool threads are native and inherit the name of the thread that opened the session, so they are counted as the
 * tasks of this process named like the calling thread (the JVM names its own compiler and GC threads).
 */
class OnnxEnvironmentTest {
    @Test
    void sessionsShareOneGlobalPoolUnlessThreadsPerSessionAreAsked() throws IOException {
        assumeTrue(Files.isDirectory(Path.of("/proc/thread-self/")), "counts native threads through /proc (Linux)");
        // nothing in the test JVM creates the environment before OnnxEnvironment does
        assertThat(OnnxEnvironment.hasGlobalPool()).isTrue();
        int before = threadsNamedLikeThisOne();
        int sharedOpened;
        int ownOpened;
        try (OnnxDenoiser shared = TinyModel.open(2)) {
            sharedOpened = threadsNamedLikeThisOne();
            System.setProperty(OnnxModels.INTRA_OP_THREADS, "3");
            try (OnnxDenoiser own = TinyModel.open(2)) {
                ownOpened = threadsNamedLikeThisOne();
            } finally {
                System.clearProperty(OnnxModels.INTRA_OP_THREADS);
            }
        }
        assertThat(sharedOpened - before).as("pool threads started by a model on the shared pool").isZero();
        // text encoder and UNet: 2 workers each beside the caller
        assertThat(ownOpened - sharedOpened).as("pool threads started with 3 threads per session")
                .isGreaterThanOrEqualTo(4);
    }

    private static int threadsNamedLikeThisOne() throws IOException {
        String self = Files.readString(Path.of("/proc/thread-self/comm")).trim();
        int n = 0;
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    if (Files.readString(t.resolve("comm")).trim().equals(self)) {
                        n++;
                    }
                } catch (IOException gone) {
                    // a thread that ended while listed
                }
            }
        }
        return n;
    }
}
