package dev.memscope.kernels;

import dev.memscope.tensor.Shape;
import dev.memscope.tensor.TensorF32;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded random inputs for the property tests: shapes from the ranges (B 1..67, C 1..8, H*W 1..4099, with
 * pixel counts just around the vector widths 8 and 16), whole samples scaled anywhere from 1e-20 to 1e+18 with
 * scales mixed across the batch, and all-zero samples. Pairs are correlated per sample so that the cosines are
 * far from 0 and a dropped or doubled pixel shows.
 */
public final class RandomBatches {

    /** Pixel counts that end a vector loop with every possible kind of tail (widths 4, 8 and 16 lanes). */
    private static final int[] AWKWARD_PIXELS = {1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127,
        129, 255, 257, 1000, 1023, 1025, 4095, 4096, 4097, 4099};

    /** Fixed shapes every property test includes: the corners of the ranges and the SD v1 latent. */
    public static final List<Shape> EDGE_SHAPES = List.of(
            new Shape(1, 1, 1, 1),
            new Shape(2, 3, 1, 1),
            new Shape(3, 1, 1, 17),
            new Shape(5, 4, 3, 5),
            new Shape(4, 4, 64, 64),
            new Shape(7, 8, 1, 4099),
            new Shape(67, 2, 3, 11),
            new Shape(67, 2, 1, 1031),
            // one large sample: a backend that splits a single sample across threads does it here
            new Shape(1, 4, 128, 131));

    /** Element budget of one random case, to keep the suite at seconds on a 2-core machine. */
    private static final int MAX_ELEMENTS = 120_000;

    private final Random rnd;

    public RandomBatches(long seed) {
        rnd = new Random(seed);
    }

    public Random random() {
        return rnd;
    }

    /** The edge shapes followed by {@code randomCount} random shapes. */
    public List<Shape> shapes(int randomCount) {
        List<Shape> list = new ArrayList<>(EDGE_SHAPES);
        for (int i = 0; i < randomCount; i++) {
            list.add(shape());
        }
        return list;
    }

    public Shape shape() {
        int c = 1 + rnd.nextInt(8);
        int pixels = rnd.nextBoolean() ? AWKWARD_PIXELS[rnd.nextInt(AWKWARD_PIXELS.length)] : 1 + rnd.nextInt(4099);
        int h = randomDivisor(pixels);
        int b = 1 + rnd.nextInt(67);
        b = Math.max(1, Math.min(b, MAX_ELEMENTS / (c * pixels)));
        return new Shape(b, c, h, pixels / h);
    }

    private int randomDivisor(int n) {
        List<Integer> divisors = new ArrayList<>();
        for (int d = 1; d <= n; d++) {
            if (n % d == 0) {
                divisors.add(d);
            }
        }
        return divisors.get(rnd.nextInt(divisors.size()));
    }

    /**
     * One scale per sample: mostly 10^U(-20, 18), some exactly 1, some 0 (an all-zero sample). The first sample
     * of a batch of at least 3 is always zero, the second at the top of the range, so every batch mixes them.
     */
    public double[] sampleScales(int batch) {
        double[] s = new double[batch];
        for (int b = 0; b < batch; b++) {
            double r = rnd.nextDouble();
            s[b] = r < 0.1 ? 0 : r < 0.2 ? 1 : Math.pow(10, -20 + 38 * rnd.nextDouble());
        }
        if (batch >= 3) {
            s[0] = 0;
            s[1] = 1e18;
        }
        return s;
    }

    /** Standard normal values, sample b multiplied by {@code scale[b]}. */
    public TensorF32 gaussian(Shape shape, double[] scale) {
        TensorF32 t = TensorF32.zeros(shape);
        float[] d = t.data();
        int n = shape.sampleSize();
        for (int b = 0; b < shape.batch(); b++) {
            for (int i = b * n; i < (b + 1) * n; i++) {
                d[i] = (float) (scale[b] * rnd.nextGaussian());
            }
        }
        return t;
    }

    /**
     * A tensor whose sample b is {@code scale[b] * (rho_b * base_b / baseScale_b + sqrt(1 - rho_b^2) * noise)}:
     * correlated with {@code base} with a random per-sample correlation in [-1, 1], at its own scale.
     */
    public TensorF32 correlated(TensorF32 base, double[] baseScale, double[] scale) {
        Shape shape = base.shape();
        TensorF32 t = TensorF32.zeros(shape);
        float[] x = base.data();
        float[] d = t.data();
        int n = shape.sampleSize();
        for (int b = 0; b < shape.batch(); b++) {
            double rho = baseScale[b] == 0 ? 0 : 2 * rnd.nextDouble() - 1;
            double rest = Math.sqrt(1 - rho * rho);
            for (int i = b * n; i < (b + 1) * n; i++) {
                double z = rho == 0 ? 0 : x[i] / baseScale[b];
                d[i] = (float) (scale[b] * (rho * z + rest * rnd.nextGaussian()));
            }
        }
        return t;
    }

    /**
     * A conditional prediction near {@code epsU}: {@code eps_u + delta_b * scale_b * noise} with delta_b from
     * 1e-3 to 1, as in a real model where guidance is a small correction (eps_c - eps_u cancels).
     */
    public TensorF32 nearby(TensorF32 epsU, double[] scale) {
        Shape shape = epsU.shape();
        TensorF32 t = epsU.copy();
        float[] d = t.data();
        int n = shape.sampleSize();
        for (int b = 0; b < shape.batch(); b++) {
            double delta = Math.pow(10, -3 * rnd.nextDouble());
            for (int i = b * n; i < (b + 1) * n; i++) {
                d[i] = (float) (d[i] + delta * scale[b] * rnd.nextGaussian());
            }
        }
        return t;
    }

    /** Per-sample parameters uniform in [lo, hi], with the endpoints and 0 (if inside) among them. */
    public float[] params(int batch, double lo, double hi) {
        float[] p = new float[batch];
        for (int b = 0; b < batch; b++) {
            double r = rnd.nextDouble();
            p[b] = (float) (r < 0.1 ? lo : r < 0.2 ? hi : r < 0.3 && lo <= 0 && hi >= 0 ? 0 : lo + (hi - lo) * rnd.nextDouble());
        }
        return p;
    }
}
