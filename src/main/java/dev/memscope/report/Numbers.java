package dev.memscope.report;

import java.math.BigDecimal;
import java.util.Locale;

/** Short human-readable numbers for chart labels. */
final class Numbers {

    private Numbers() {
    }

    /** Four significant digits without trailing zeros: 1.0 -> "1", 3350 -> "3350", 0.98213 -> "0.9821". */
    static String compact(double v) {
        if (!Double.isFinite(v)) {
            return String.valueOf(v);
        }
        if (Math.abs(v) >= 1e6 || (v != 0 && Math.abs(v) < 1e-4)) {
            return String.format(Locale.ROOT, "%.3g", v);
        }
        return new BigDecimal(String.format(Locale.ROOT, "%.4g", v)).stripTrailingZeros().toPlainString();
    }
}
