package dev.memscope.eval.membench;

/**
 * The fixed feature map of the lab's Frechet distance: per channel, average pooling onto a {@code grid x grid}
 * grid of equal blocks (H and W must be multiples of grid), giving {@code C * grid^2} features per image (64 for
 * 4 channels and grid 4). FID's Inception features are 2048-dimensional and need thousands of samples for a
 * full-rank covariance; the raw D = 4096 latent would be degenerate with a few hundred, so the lab pools.
 */
public final class PooledFeatures {
    public static final int DEFAULT_GRID = 4;

    private PooledFeatures() {
    }

    /** Features of images {@code [n, c, h, w]} (row-major float32) as {@code double[n][c*grid*grid]}. */
    public static double[][] of(float[] images, int n, int c, int h, int w, int grid) {
        if (grid < 1 || h % grid != 0 || w % grid != 0) {
            throw new IllegalArgumentException("pooled features: latent " + h + "x" + w
                    + " is not divisible into a " + grid + "x" + grid + " grid");
        }
        if ((long) n * c * h * w != images.length) {
            throw new IllegalArgumentException("pooled features: " + images.length + " floats for " + n + " images of "
                    + c + "x" + h + "x" + w);
        }
        int bh = h / grid;
        int bw = w / grid;
        double inv = 1.0 / (bh * bw);
        double[][] out = new double[n][c * grid * grid];
        for (int s = 0; s < n; s++) {
            for (int ch = 0; ch < c; ch++) {
                int base = ((s * c) + ch) * h * w;
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        out[s][(ch * grid + y / bh) * grid + x / bw] += images[base + y * w + x];
                    }
                }
                for (int j = ch * grid * grid; j < (ch + 1) * grid * grid; j++) {
                    out[s][j] *= inv;
                }
            }
        }
        return out;
    }
}
