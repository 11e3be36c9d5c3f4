package dev.memscope.report;

import java.util.Locale;

/**
 * Turns one cell value into text. Numbers are always formatted with {@link Locale#ROOT} (a decimal point,
 * whatever the machine's locale), so tables diff cleanly across machines. {@code null} becomes an empty cell;
 * NaN and infinities are printed as "NaN", "inf", "-inf" so that they stay visible.
 */
@FunctionalInterface
public interface CellFormat {

    String format(Object value);

    /** {@code String.valueOf}, numbers included: for names and labels. */
    static CellFormat text() {
        return v -> v == null ? "" : String.valueOf(v);
    }

    /** A fixed number of decimals, e.g. {@code fixed(3)}: 0.98213 -> "0.982". */
    static CellFormat fixed(int decimals) {
        requireDecimals(decimals);
        return number(d -> String.format(Locale.ROOT, "%." + decimals + "f", d));
    }

    /** Whole numbers with thousands separators: 1234567 -> "1,234,567". */
    static CellFormat integer() {
        return number(d -> String.format(Locale.ROOT, "%,d", Math.round(d)));
    }

    /** A fraction shown as a percentage: {@code percent(1)}: 0.0123 -> "1.2%". */
    static CellFormat percent(int decimals) {
        requireDecimals(decimals);
        return number(d -> String.format(Locale.ROOT, "%." + decimals + "f%%", 100 * d));
    }

    /** A ratio shown as a multiplier: {@code times(1)}: 41.27 -> "41.3x". */
    static CellFormat times(int decimals) {
        requireDecimals(decimals);
        return number(d -> String.format(Locale.ROOT, "%." + decimals + "fx", d));
    }

    /** Scientific notation: {@code scientific(2)}: 0.000123 -> "1.23e-04". */
    static CellFormat scientific(int decimals) {
        requireDecimals(decimals);
        return number(d -> String.format(Locale.ROOT, "%." + decimals + "e", d));
    }

    /** Applies {@code finite} to finite numbers; other values fall back to {@link #text()}. */
    private static CellFormat number(java.util.function.DoubleFunction<String> finite) {
        return v -> {
            if (!(v instanceof Number n)) {
                return text().format(v);
            }
            double d = n.doubleValue();
            if (Double.isNaN(d)) {
                return "NaN";
            }
            if (Double.isInfinite(d)) {
                return d > 0 ? "inf" : "-inf";
            }
            return finite.apply(d);
        };
    }

    private static void requireDecimals(int decimals) {
        if (decimals < 0 || decimals > 17) {
            throw new IllegalArgumentException("decimals must be in [0, 17], got " + decimals);
        }
    }
}
