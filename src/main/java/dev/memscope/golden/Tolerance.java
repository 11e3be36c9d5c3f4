package dev.memscope.golden;

import java.util.Arrays;

/**
 * How far a float32 result may be from its float64 reference: element i of sample b passes when
 * {@code |actual - expected| <= atol[b] + rtol * |expected|}. {@code atol} holds one value for every sample or one
 * per sample (elementwise goldens scale it by each sample's term magnitude; see scripts/golden/generate.py).
 */
public record Tolerance(double rtol, double[] atol) {

    public Tolerance {
        if (!(rtol >= 0) || !Double.isFinite(rtol)) {
            throw new IllegalArgumentException("rtol must be finite and >= 0, got " + rtol);
        }
        if (atol == null || atol.length == 0) {
            throw new IllegalArgumentException("atol needs at least one value");
        }
        for (double a : atol) {
            if (!(a >= 0) || !Double.isFinite(a)) {
                throw new IllegalArgumentException("atol values must be finite and >= 0, got " + Arrays.toString(atol));
            }
        }
        atol = atol.clone();
    }

    public static Tolerance of(double rtol, double atol) {
        return new Tolerance(rtol, new double[] {atol});
    }

    public boolean perSample() {
        return atol.length > 1;
    }

    public double atol(int sample) {
        return atol.length == 1 ? atol[0] : atol[sample];
    }

    /** The largest error allowed for an element of {@code sample} whose reference is {@code expected}. */
    public double allowed(double expected, int sample) {
        return atol(sample) + rtol * Math.abs(expected);
    }

    @Override
    public double[] atol() {
        return atol.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tolerance t && t.rtol == rtol && Arrays.equals(t.atol, atol);
    }

    @Override
    public int hashCode() {
        return Double.hashCode(rtol) * 31 + Arrays.hashCode(atol);
    }

    @Override
    public String toString() {
        return "rtol=" + rtol + " atol=" + (atol.length == 1 ? Double.toString(atol[0]) : Arrays.toString(atol));
    }
}
