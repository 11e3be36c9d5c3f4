package dev.memscope.bench;

/**
 * Converts JMH score units to one scale per mode so that a run reported in us/op compares with one in ms/op:
 * seconds per op for the time modes (avgt, sample, ss; lower is better), ops per second for thrpt (higher is
 * better).
 */
public final class Units {

    private Units() {
    }

    /** Whether a larger score is better in this JMH mode. */
    public static boolean higherIsBetter(String mode) {
        return switch (mode) {
            case "thrpt" -> true;
            case "avgt", "sample", "ss" -> false;
            default -> throw new IllegalArgumentException("unknown JMH mode '" + mode
                    + "' (expected thrpt, avgt, sample or ss)");
        };
    }

    /** Factor that turns a score in {@code unit} into seconds per op (time modes) or ops per second (thrpt). */
    public static double toCanonical(String mode, String unit) {
        if (higherIsBetter(mode)) {
            if (!unit.startsWith("ops/")) {
                throw new IllegalArgumentException("unit '" + unit + "' does not fit mode thrpt (expected ops/<time>)");
            }
            return 1.0 / seconds(unit.substring(4), unit);
        }
        if (!unit.endsWith("/op")) {
            throw new IllegalArgumentException("unit '" + unit + "' does not fit mode " + mode
                    + " (expected <time>/op)");
        }
        return seconds(unit.substring(0, unit.length() - 3), unit);
    }

    /** Seconds in one {@code timeUnit} (ns, us, ms, s, min). */
    public static double seconds(String timeUnit, String whole) {
        return switch (timeUnit) {
            case "ns" -> 1e-9;
            case "us" -> 1e-6;
            case "ms" -> 1e-3;
            case "s" -> 1.0;
            case "min" -> 60.0;
            default -> throw new IllegalArgumentException("unknown time unit '" + timeUnit + "' in '" + whole + "'");
        };
    }
}
