package dev.memscope.golden;

/**
 * Result of checking a float32 output against its float64 reference. The worst element is the one with the
 * largest error relative to what the tolerance allows there (an element that fails, if any does).
 *
 * @param worstIndex   flat index of the worst element
 * @param worstWhere   where it is: {@code sample 2} or {@code sample 0, c=3, h=17, w=5}
 * @param maxAbsError  largest |actual - expected| over all elements
 * @param maxRelError  largest |actual - expected| / |expected| over the elements with a non-zero reference
 *                     (infinite when a zero reference got a non-zero result)
 * @param worstRatio   largest error / allowed error; the output passes when it is at most 1
 * @param failures     how many elements are outside the tolerance
 */
public record Comparison(boolean passed, int elements, int worstIndex, String worstWhere, double expected,
                         double actual, double maxAbsError, double maxRelError, double worstRatio, int failures,
                         Tolerance tolerance) {

    /** One line for test failures and reports. */
    public String describe() {
        return String.format("%s: %d of %d elements outside %s; worst at %s (flat %d): expected %.17g, got %.9g "
                        + "(error %.3g, %.3g x the allowed); max abs error %.3g, max rel error %.3g",
                passed ? "PASS" : "FAIL", failures, elements, tolerance, worstWhere, worstIndex, expected, actual,
                Math.abs(actual - expected), worstRatio, maxAbsError, maxRelError);
    }
}
