package dev.memscope.model.lab;

import java.util.SplittableRandom;

/**
 * Spatially smooth random images: white Gaussian noise per channel, blurred by a separable Gaussian kernel of
 * standard deviation {@code corr} pixels (periodic boundary), then scaled to unit variance per element. They play
 * the lab's training images: latents of natural images are smooth, and a smooth field has fewer effective degrees
 * of freedom than white noise, which keeps distinct images from being trivially orthogonal.
 */
final class SmoothField {
    private SmoothField() {
    }

    static void fill(float[] dst, int offset, int c, int h, int w, double corr, SplittableRandom rnd) {
        int n = c * h * w;
        double[] buf = new double[n];
        for (int i = 0; i < n; i++) {
            buf[i] = gaussian(rnd);
        }
        if (corr > 0) {
            double[] kernel = kernel(corr);
            double[] tmp = new double[n];
            blur(buf, tmp, c, h, w, kernel, true);
            blur(tmp, buf, c, h, w, kernel, false);
        }
        double ss = 0;
        for (double v : buf) {
            ss += v * v;
        }
        double scale = Math.sqrt(n / ss);
        for (int i = 0; i < n; i++) {
            dst[offset + i] = (float) (buf[i] * scale);
        }
    }

    private static double[] kernel(double corr) {
        int r = (int) Math.ceil(3 * corr);
        double[] k = new double[2 * r + 1];
        for (int i = -r; i <= r; i++) {
            k[i + r] = Math.exp(-0.5 * i * i / (corr * corr));
        }
        return k;
    }

    private static void blur(double[] src, double[] dst, int c, int h, int w, double[] k, boolean alongW) {
        int r = k.length / 2;
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double s = 0;
                    for (int d = -r; d <= r; d++) {
                        int yy = alongW ? y : Math.floorMod(y + d, h);
                        int xx = alongW ? Math.floorMod(x + d, w) : x;
                        s += k[d + r] * src[(ch * h + yy) * w + xx];
                    }
                    dst[(ch * h + y) * w + x] = s;
                }
            }
        }
    }

    /** Box-Muller on the given stream; {@link SplittableRandom} has no nextGaussian on JDK 17. */
    static double gaussian(SplittableRandom rnd) {
        double u1 = rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log1p(-u1)) * Math.cos(2 * Math.PI * u2);
    }
}
