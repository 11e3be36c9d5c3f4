package dev.memscope.scan.score;

import dev.memscope.kernels.cpu.CpuThreads;
import dev.memscope.model.onnx.OnnxModels;

import dev.memscope.kernels.Backends;
import dev.memscope.kernels.ScoreKernels;
import dev.memscope.model.lab.LabConfig;
import dev.memscope.source.ModelSource;
import dev.memscope.source.ModelSources;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The models of this JVM (a Spark executor, or the driver in local mode), opened lazily and kept for the JVM's
 * life: opening the testbed (ONNX sessions, checksums) or building the lab world costs seconds, scoring a batch
 * milliseconds. A denoiser keeps per-call scratch state and is not documented as thread-safe, so each task slot
 * that runs at the same time borrows its own instance: at most as many opens per key as concurrent tasks, however
 * many partitions and chunks follow.
 */
public final class ModelPool {
    /** A model with its kernels, borrowed by one task at a time. */
    public record Opened(ModelSource source, ScoreKernels kernels) {
    }

    private static final Map<ModelKey, ConcurrentLinkedDeque<Opened>> IDLE = new ConcurrentHashMap<>();
    private static final Map<ModelKey, AtomicInteger> OPENS = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ModelPool::closeAll, "memscope-model-pool-close"));
    }

    private ModelPool() {
    }

    /** Takes an idle instance, or opens one. Give it back with {@link #release}. */
    public static Opened borrow(ModelKey key) throws IOException {
        Opened o = IDLE.computeIfAbsent(key, k -> new ConcurrentLinkedDeque<>()).pollFirst();
        return o != null ? o : open(key);
    }

    public static void release(ModelKey key, Opened o) {
        IDLE.computeIfAbsent(key, k -> new ConcurrentLinkedDeque<>()).offerFirst(o);
    }

    /** How many instances this JVM has opened for the key (tests check the model is not reopened per chunk). */
    public static int opens(ModelKey key) {
        AtomicInteger n = OPENS.get(key);
        return n == null ? 0 : n.get();
    }

    private static synchronized Opened open(ModelKey key) throws IOException {
        if (key.threadsPerSlot() > 0) {
            // read when the kernels and ONNX sessions are built; every key of one scan carries the same count
            String n = Integer.toString(key.threadsPerSlot());
            System.setProperty(CpuThreads.PROPERTY, n);
            System.setProperty(OnnxModels.INTRA_OP_THREADS, n);
        }
        LabConfig lab = key.spec().kind() == dev.memscope.source.ModelSpec.Kind.LAB ? LabConfig.defaults() : null;
        ModelSource source = ModelSources.open(key.spec(), lab, key.backend(), key.onnxProvider());
        ScoreKernels kernels;
        try {
            kernels = Backends.create(key.backend());
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
        OPENS.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        return new Opened(source, kernels);
    }

    private static void closeAll() {
        for (ConcurrentLinkedDeque<Opened> q : IDLE.values()) {
            Opened o;
            while ((o = q.pollFirst()) != null) {
                try {
                    o.source().close();
                    o.kernels().close();
                } catch (Exception ignored) {
                    // the JVM is exiting; a close that fails here frees nothing the OS does not free anyway
                }
            }
        }
    }
}
