package dev.memscope.membench;

/**
 * The testbed's copy measure (scripts/testbed/labels.py): each image's channels are standardised ({@code (x -
 * mean) / (std + 0.05)} per channel, population std; the 0.05 keeps flat channels finite), then the RMS difference.
 * A per-channel affine colour change leaves it unchanged. Images are {@code [C, P]} rows in [-1, 1]; values are
 * clipped to [-1, 1] first, as labels.py clips the samples.
 */
final class CopyDistance {
    static final double STD_FLOOR = 0.05;

    private CopyDistance() {
    }

    static double rms(float[] a, int aOff, float[] b, int bOff, int channels, int pixels) {
        double[] za = standardised(a, aOff, channels, pixels);
        double[] zb = standardised(b, bOff, channels, pixels);
        double s = 0;
        for (int i = 0; i < za.length; i++) {
            double e = za[i] - zb[i];
            s += e * e;
        }
        return Math.sqrt(s / za.length);
    }

    static double[] standardised(float[] x, int off, int channels, int pixels) {
        double[] z = new double[channels * pixels];
        for (int c = 0; c < channels; c++) {
            double mean = 0;
            for (int p = 0; p < pixels; p++) {
                mean += clip(x[off + c * pixels + p]);
            }
            mean /= pixels;
            double var = 0;
            for (int p = 0; p < pixels; p++) {
                double e = clip(x[off + c * pixels + p]) - mean;
                var += e * e;
            }
            double sd = Math.sqrt(var / pixels) + STD_FLOOR;
            for (int p = 0; p < pixels; p++) {
                z[c * pixels + p] = (clip(x[off + c * pixels + p]) - mean) / sd;
            }
        }
        return z;
    }

    private static double clip(float v) {
        if (!Float.isFinite(v)) {
            throw new IllegalArgumentException("copy distance: non-finite value " + v);
        }
        return Math.max(-1.0, Math.min(1.0, v));
    }
}
