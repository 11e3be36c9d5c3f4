package dev.memscope.membench;

import java.util.Locale;

/**
 * How many base triggers (training captions) a reference-image group of n prompts gets: a fixed number, or
 * {@code sqrt}: {@code max(2, round(sqrt(n)))}. Large MemBench groups hold many dissimilar prompts around one image
 * (the 791-prompt group spans many templates); with two captions most of them share too few words to reach it
 * (full run, B = 2: 10% of that group copies), while LAION images duplicated that often also carry many captions.
 * docs/membench.md has the measurement.
 */
public record BaseTriggerRule(String name, int fixed) {
    public static final BaseTriggerRule SQRT = new BaseTriggerRule("sqrt", 0);
    public static final int SQRT_MIN = 2;

    public BaseTriggerRule {
        if (fixed < 0) {
            throw new IllegalArgumentException("base triggers per group must be >= 1, got " + fixed);
        }
    }

    public static BaseTriggerRule fixed(int b) {
        if (b < 1) {
            throw new IllegalArgumentException("base triggers per group must be >= 1, got " + b);
        }
        return new BaseTriggerRule(Integer.toString(b), b);
    }

    /** "sqrt" or a positive integer. */
    public static BaseTriggerRule parse(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        if (t.equals("sqrt")) {
            return SQRT;
        }
        try {
            return fixed(Integer.parseInt(t));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--base-triggers: expected sqrt or a positive integer, got '" + s + "'");
        }
    }

    /** Base triggers for a group of n prompts (at most n). */
    public int count(int n) {
        int b = fixed > 0 ? fixed : Math.max(SQRT_MIN, (int) Math.round(Math.sqrt(n)));
        return Math.min(b, n);
    }

    @Override
    public String toString() {
        return name;
    }
}
