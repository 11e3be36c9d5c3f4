package dev.memscope.copy;

/**
 * The testbed's copy measure (scripts/testbed/labels.py): values clipped to [-1, 1], each channel standardised
 * ({@code (x - mean) / (std + 0.05)}, std with ddof 0, so a per-channel affine colour change leaves it unchanged),
 * then the RMS difference over all C·H·W values. Float64 throughout, as NumPy computes it.
 */
public final class NormalisedRmsDistance implements ImageDistance {
    /** labels.py's regulariser of the per-channel std (keeps flat backgrounds finite). */
    public static final double STD_FLOOR = 0.05;

    private final int channels;

    public NormalisedRmsDistance(int channels) {
        if (channels < 1) {
            throw new IllegalArgumentException("channels must be >= 1, got " + channels);
        }
        this.channels = channels;
    }

    /** The standardised copy of an image in [-1, 1] units (clipped first), as a float64 vector. */
    public double[] standardise(float[] img) {
        double[] x = new double[img.length];
        for (int i = 0; i < img.length; i++) {
            if (!Float.isFinite(img[i])) {
                throw new IllegalArgumentException("image holds " + img[i] + " at element " + i);
            }
            x[i] = Math.max(-1, Math.min(1, img[i]));
        }
        return standardiseUnit(x);
    }

    /** Standardises values already in [-1, 1] (training images), in place; returns {@code x}. */
    public double[] standardiseUnit(double[] x) {
        if (x.length % channels != 0) {
            throw new IllegalArgumentException("image of " + x.length + " values is not " + channels + " channels");
        }
        int per = x.length / channels;
        for (int c = 0; c < channels; c++) {
            double mean = 0;
            for (int i = 0; i < per; i++) {
                mean += x[c * per + i];
            }
            mean /= per;
            double var = 0;
            for (int i = 0; i < per; i++) {
                double d = x[c * per + i] - mean;
                var += d * d;
            }
            double sd = Math.sqrt(var / per) + STD_FLOOR;
            for (int i = 0; i < per; i++) {
                x[c * per + i] = (x[c * per + i] - mean) / sd;
            }
        }
        return x;
    }

    /** RMS difference of two standardised vectors. */
    public static double rms(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            s += d * d;
        }
        return Math.sqrt(s / a.length);
    }

    @Override
    public double between(float[] a, float[] b) {
        return rms(standardise(a), standardise(b));
    }
}
