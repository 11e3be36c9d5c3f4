package dev.memscope.bench;

/** What a comparison of two runs of one benchmark says. */
public enum Verdict {
    FASTER, SLOWER, SAME;

    public String label() {
        return name().toLowerCase();
    }
}
