package dev.memscope.scan;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Threads per task slot. The cpu kernels, the GEMM and ONNX Runtime each start one thread per core by default; with
 * one task slot per core, every slot would do so and the slots would fight over the cores (measured: local[2] ran
 * slower than local[1] on 2 cores). {@code auto} gives each slot its share of the cores.
 */
final class SlotThreads {
    private static final Pattern LOCAL = Pattern.compile("local\\[(\\*|\\d+)(?:,\\s*\\d+)?]|local");

    private SlotThreads() {
    }

    /** {@code option}: a whole number >= 1, or {@code auto}. */
    static int resolve(String option, String master, int cores) {
        if (!"auto".equals(option)) {
            try {
                int n = Integer.parseInt(option.trim());
                if (n >= 1) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // falls through to the error below
            }
            throw new IllegalArgumentException("--threads-per-slot must be a whole number >= 1 or auto, got '"
                    + option + "'");
        }
        Matcher m = LOCAL.matcher(master.trim());
        if (!m.matches()) {
            return 1;
        }
        int slots = m.group(1) == null || m.group(1).equals("*") ? cores : Integer.parseInt(m.group(1));
        if (m.group(0).equals("local")) {
            slots = 1;
        }
        return Math.max(1, cores / Math.max(1, slots));
    }
}
