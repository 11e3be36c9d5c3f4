package dev.memscope.kernels.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs numbered chunks of work on a fixed set of daemon threads plus the caller, without allocating per call:
 * kernels are called thousands of times per detector run and must not feed the garbage collector.
 * Chunks are claimed dynamically, so results must not depend on which thread ran a chunk (each chunk writes
 * its own slot; the caller combines slots in chunk order, which keeps reductions deterministic).
 */
final class ParallelRunner implements AutoCloseable {

    /** A body that processes chunk {@code i}; implementations are created once and reused. */
    interface ChunkBody {
        void run(int chunk);
    }

    /** How long an idle worker spins for the next call before parking, in nanoseconds. */
    private static final long SPIN_NANOS = 50_000;

    private final Thread[] workers;
    private final AtomicInteger nextChunk = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();
    private volatile int generation;
    private volatile boolean closed;
    private volatile ChunkBody body;
    private volatile int chunks;
    private volatile Throwable failure;

    ParallelRunner(int threads) {
        workers = new Thread[Math.max(0, threads - 1)];
        for (int i = 0; i < workers.length; i++) {
            Thread t = new Thread(this::workerLoop, "memscope-cpu-" + (i + 1));
            t.setDaemon(true);
            workers[i] = t;
            t.start();
        }
    }

    int threads() {
        return workers.length + 1;
    }

    /** Runs chunks {@code 0..n-1}; returns when all are done. Small jobs should be run inline by the caller. */
    void run(int n, ChunkBody work) {
        if (workers.length == 0 || n <= 1) {
            for (int i = 0; i < n; i++) {
                work.run(i);
            }
            return;
        }
        body = work;
        chunks = n;
        nextChunk.set(0);
        running.set(workers.length);
        generation++;
        for (Thread t : workers) {
            LockSupport.unpark(t);
        }
        try {
            drain(work, n);
        } finally {
            while (running.get() != 0) {
                Thread.onSpinWait();
            }
            body = null;
        }
        Throwable f = failure;
        if (f != null) {
            failure = null;
            if (f instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("a worker thread failed", f);
        }
    }

    private void drain(ChunkBody work, int n) {
        int i;
        while ((i = nextChunk.getAndIncrement()) < n) {
            work.run(i);
        }
    }

    private void workerLoop() {
        int seen = 0;
        while (!closed) {
            int g = generation;
            if (g == seen) {
                long deadline = System.nanoTime() + SPIN_NANOS;
                while (generation == seen && !closed && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                if (generation == seen && !closed) {
                    LockSupport.park(this);
                }
                continue;
            }
            seen = g;
            try {
                drain(body, chunks);
            } catch (Throwable t) {
                failure = t;
                nextChunk.set(Integer.MAX_VALUE / 2);
            } finally {
                running.decrementAndGet();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread t : workers) {
            LockSupport.unpark(t);
        }
    }
}
