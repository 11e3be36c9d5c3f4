package dev.memscope.progress;

import java.io.PrintStream;

/**
 * Prints "task: done/total (pct) elapsed, ETA" to a stream (stderr by default), at most every
 * {@code intervalMillis}, and a final line when done. The ETA extrapolates the mean rate so far.
 */
public final class ConsoleProgress implements Progress {
    private final PrintStream out;
    private final long intervalNanos;
    private String task;
    private long total;
    private long done;
    private long startNanos;
    private long lastPrint;

    public ConsoleProgress() {
        this(System.err, 2000);
    }

    public ConsoleProgress(PrintStream out, long intervalMillis) {
        this.out = out;
        this.intervalNanos = intervalMillis * 1_000_000L;
    }

    @Override
    public void start(String task, long total) {
        this.task = task;
        this.total = total;
        this.done = 0;
        this.startNanos = System.nanoTime();
        this.lastPrint = startNanos;
    }

    @Override
    public void advance(long units) {
        done += units;
        long now = System.nanoTime();
        if (now - lastPrint >= intervalNanos) {
            lastPrint = now;
            out.println(line(now));
        }
    }

    @Override
    public void done() {
        out.println(task + ": " + done + "/" + total + " in " + seconds(System.nanoTime() - startNanos));
    }

    String line(long now) {
        long elapsed = now - startNanos;
        String eta = done == 0 ? "?" : seconds((long) (elapsed * ((double) (total - done) / done)));
        return String.format("%s: %d/%d (%.0f%%) %s elapsed, ETA %s", task, done, total,
                total == 0 ? 100.0 : 100.0 * done / total, seconds(elapsed), eta);
    }

    private static String seconds(long nanos) {
        long s = Math.round(nanos / 1e9);
        return s >= 60 ? (s / 60) + "m" + String.format("%02d", s % 60) + "s" : s + "s";
    }
}
