package dev.memscope.kernels;

/**
 * How closely a float32 kernel result must match the float64 reference, per kind of operation, in one place.
 * An element passes when {@code |actual - expected| <= atol + atolPerTerm * terms + rtol * |expected|}, where
 * {@code terms} is the sum of the magnitudes of the terms that were added to make the element (only the
 * elementwise operations use it; 0 elsewhere).
 *
 * <p>{@code U} below is the float32 unit roundoff 2^-24 (about 6e-8): rounding the float64 result to float32
 * alone costs up to {@code U * |expected|}.
 */
public final class KernelTolerances {

    /** Unit roundoff of float32. */
    public static final double U = 0x1p-24;

    /**
     * Norms and mean squared errors. rtol 1e-6 is the acceptance bound: about 16 U, room for a float32
     * rounding of the result and of the inputs' differences, none for float32 accumulation over thousands of
     * elements (whose error grows like sqrt(n) U), nor for a dropped or doubled element (a relative change of
     * at least 1/(2n) >= 1.5e-5 for the n <= 8*4099 elements a property-test sample holds). The atol is only the
     * float32 subnormal spacing: the mse of 1e-20-sized data is about 1e-40, below Float.MIN_NORMAL, where a
     * float32 result cannot be closer than Float.MIN_VALUE / 2 to anything.
     */
    public static final Tolerance REDUCTION = new Tolerance("reduction", 1e-6, 2 * Float.MIN_VALUE, 0);

    /**
     * Cosines, per-pixel means and global. Cosines lie in [-1, 1] and those of independent data sit near 0,
     * where a relative bound is meaningless; their absolute scale is 1. A per-pixel cosine evaluated in float32
     * over C <= 8 channels can lose about C U (5e-7) to cancellation in the dot product, and with a single pixel
     * (H*W = 1) the mean cannot average that away, hence atol 1e-6 (16 ulps at 1). A lane, tail or
     * thread-split bug moves the mean of P <= 4099 pixel cosines of correlated data by about |cos| / P >= 1e-4,
     * two orders above it.
     */
    public static final Tolerance COSINE = new Tolerance("cosine", 1e-6, 1e-6, 0);

    /**
     * Elementwise updates (cfg, amg, DDIM step, conversions). {@code eps_u + s*(eps_c - eps_u)} and its kin can
     * cancel to far below the size of their terms, so the error is bounded by the terms, not by the result: each
     * float32 operation (coefficient rounding, difference, product, sum) adds at most U times a partial result
     * bounded by {@code terms}; the longest chain (amg with both optional terms) has about 11 such roundings.
     * 16 U per unit of {@code terms} covers that with or without FMA; rtol adds the final rounding.
     */
    public static final Tolerance ELEMENTWISE = new Tolerance("elementwise", 2 * U, Float.MIN_VALUE, 16 * U);

    private KernelTolerances() {
    }

    /** One kind's bounds; see the class comment for the test an element must pass. */
    public record Tolerance(String kind, double rtol, double atol, double atolPerTerm) {

        public double allowed(double expected, double terms) {
            return atol + atolPerTerm * terms + rtol * Math.abs(expected);
        }

        @Override
        public String toString() {
            return kind + " (rtol " + rtol + ", atol " + atol
                    + (atolPerTerm > 0 ? " + " + atolPerTerm + " * |terms|" : "") + ")";
        }
    }
}
