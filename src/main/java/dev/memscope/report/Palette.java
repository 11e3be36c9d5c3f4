package dev.memscope.report;

import java.awt.Color;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Gives each series name one colour for the life of the palette, so "anisotropy" is the same blue in the ROC
 * chart, the speed-up bars and the scatter plot of one report. Colours are handed out in first-asked order from
 * the Okabe-Ito colour-blind-safe set (its yellow, faint on white, replaced by a dark olive) followed by brown and
 * grey, then repeat in lighter shades.
 * Charts use {@link #shared()} unless given another.
 */
public final class Palette {
    private static final Color[] BASE = {
            new Color(0x0072B2), // blue
            new Color(0xD55E00), // vermillion
            new Color(0x009E73), // bluish green
            new Color(0xCC79A7), // reddish purple
            new Color(0xE69F00), // orange
            new Color(0x56B4E9), // sky blue
            new Color(0x7A6A00), // dark olive (Okabe-Ito yellow is too faint on white)
            new Color(0x000000), // black
            new Color(0x8C564B), // brown
            new Color(0x7F7F7F), // grey
    };
    private static final Palette SHARED = new Palette();

    private final Map<String, Color> assigned = new LinkedHashMap<>();

    public static Palette shared() {
        return SHARED;
    }

    /** A fresh palette, for charts that must not depend on what was drawn before (tests, independent figures). */
    public static Palette fresh() {
        return new Palette();
    }

    public synchronized Color colorFor(String name) {
        return assigned.computeIfAbsent(name, n -> nth(assigned.size()));
    }

    /** The i-th colour handed out: the base set, then the base set again, lightened a little more each round. */
    static Color nth(int i) {
        Color c = BASE[i % BASE.length];
        double keep = Math.pow(0.7, i / BASE.length); // darker() would leave black black, so blend towards white
        return new Color(blend(c.getRed(), keep), blend(c.getGreen(), keep), blend(c.getBlue(), keep));
    }

    private static int blend(int channel, double keep) {
        return (int) Math.round(channel * keep + 255 * (1 - keep));
    }
}
