package dev.memscope.kernels;

import dev.memscope.kernels.KernelTolerances.Tolerance;
import dev.memscope.tensor.Shape;

import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.fail;

/**
 * Compares a float32 result with its float64 oracle element by element under a {@link Tolerance}, and on failure
 * says which element is worst (index, sample, expected, actual, absolute and relative error) together with error
 * statistics in float32 ulps, in the manner of Hipparchus' accuracy tests.
 */
public final class OracleCheck {

    private OracleCheck() {
    }

    /** Error statistics of one comparison; {@code worst} is the element closest to (or furthest past) its bound. */
    public record Stats(int count, int failures, int worst, double worstExpected, double worstActual,
                        double worstAllowed, double maxAbsError, double maxRelError, double maxUlps, double meanUlps) {

        double worstAbsError() {
            return Math.abs(worstActual - worstExpected);
        }

        double worstRelError() {
            return relError(worstExpected, worstActual);
        }

        public String summary() {
            return String.format("max abs err %.3g, max rel err %.3g, max %.1f ulp, mean %.2f ulp over %d values",
                    maxAbsError, maxRelError, maxUlps, meanUlps, count);
        }
    }

    /** Per-sample results ({@code out[b]}): the worst element is named by its sample. */
    public static Stats assertPerSample(String what, Tolerance tol, double[] expected, float[] actual) {
        return assertClose(what, tol, expected, actual, null, b -> "sample " + b);
    }

    /** Elementwise results of a tensor of {@code shape}; {@code terms} may be null when the tolerance has no per-term part. */
    public static Stats assertElementwise(String what, Tolerance tol, Shape shape, double[] expected, float[] actual,
                                          double[] terms) {
        return assertClose(what, tol, expected, actual, terms, i -> "index " + i + " = " + shape.locate(i));
    }

    public static Stats assertClose(String what, Tolerance tol, double[] expected, float[] actual, double[] terms,
                                    IntFunction<String> locate) {
        Stats s = compare(tol, expected, actual, terms);
        if (s.failures > 0) {
            fail(String.format("%s: %d of %d values outside the %s bound; worst at %s: expected %s (float64 "
                            + "oracle), actual %s, abs err %.3g, rel err %.3g, allowed %.3g%s; %s",
                    what, s.failures, s.count, tol, locate.apply(s.worst), s.worstExpected, s.worstActual,
                    s.worstAbsError(), s.worstRelError(), s.worstAllowed,
                    terms == null ? "" : String.format(" (|terms| %.3g)", terms[s.worst]), s.summary()));
        }
        return s;
    }

    public static Stats compare(Tolerance tol, double[] expected, float[] actual, double[] terms) {
        if (expected.length != actual.length) {
            fail("oracle has " + expected.length + " values but the result has " + actual.length);
        }
        int failures = 0;
        int worst = 0;
        double worstRatio = -1;
        double maxAbs = 0;
        double maxRel = 0;
        double maxUlps = 0;
        double sumUlps = 0;
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            double a = actual[i];
            double allowed = tol.allowed(e, terms == null ? 0 : terms[i]);
            double err = Math.abs(a - e);
            boolean ok = err <= allowed || e == a || (Double.isNaN(e) && Double.isNaN(a));
            // how far along its bound an element is; a NaN or infinite error ranks worst of all
            double ratio = ok ? (e == a ? 0 : err / allowed) : (Double.isFinite(err) ? err / allowed : Double.MAX_VALUE);
            if (!ok) {
                failures++;
            }
            if (ratio > worstRatio) {
                worstRatio = ratio;
                worst = i;
            }
            if (Double.isFinite(err)) {
                maxAbs = Math.max(maxAbs, err);
                maxRel = Math.max(maxRel, relError(e, a));
                double ulps = err / Math.ulp((float) e);
                maxUlps = Math.max(maxUlps, ulps);
                sumUlps += ulps;
            }
        }
        return new Stats(expected.length, failures, worst, expected[worst], actual[worst],
                tol.allowed(expected[worst], terms == null ? 0 : terms[worst]), maxAbs, maxRel, maxUlps,
                expected.length == 0 ? 0 : sumUlps / expected.length);
    }

    static double relError(double expected, double actual) {
        double err = Math.abs(actual - expected);
        return err == 0 ? 0 : err / Math.abs(expected);
    }
}
