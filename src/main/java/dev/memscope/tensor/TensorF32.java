package dev.memscope.tensor;

import java.util.Arrays;
import java.util.Random;

/**
 * A batch of float32 images {@code [B, C, H, W]} in one contiguous C-order array.
 * The array is exposed on purpose: kernels read and write it directly, without copies.
 */
public final class TensorF32 {
    private final Shape shape;
    private final float[] data;

    public TensorF32(Shape shape, float[] data) {
        if (data.length != shape.size()) {
            throw new IllegalArgumentException("data holds " + data.length + " floats but shape " + shape
                    + " needs " + shape.size());
        }
        this.shape = shape;
        this.data = data;
    }

    public static TensorF32 zeros(Shape shape) {
        return new TensorF32(shape, new float[shape.size()]);
    }

    public static TensorF32 zeros(int b, int c, int h, int w) {
        return zeros(new Shape(b, c, h, w));
    }

    /** Standard normal samples from a seeded {@link Random}; for tests and benchmarks. */
    public static TensorF32 gaussian(Shape shape, long seed) {
        Random rnd = new Random(seed);
        float[] d = new float[shape.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) rnd.nextGaussian();
        }
        return new TensorF32(shape, d);
    }

    public Shape shape() {
        return shape;
    }

    public float[] data() {
        return data;
    }

    public int batch() {
        return shape.batch();
    }

    /** Offset of sample {@code b} in {@link #data()}. */
    public int offset(int b) {
        return b * shape.sampleSize();
    }

    public float get(int b, int c, int h, int w) {
        return data[((b * shape.channels() + c) * shape.height() + h) * shape.width() + w];
    }

    public void set(int b, int c, int h, int w, float v) {
        data[((b * shape.channels() + c) * shape.height() + h) * shape.width() + w] = v;
    }

    /** A copy of samples [from, to). */
    public TensorF32 slice(int from, int to) {
        if (from < 0 || to > shape.batch() || from >= to) {
            throw new IndexOutOfBoundsException("slice [" + from + ", " + to + ") of batch " + shape.batch());
        }
        int n = shape.sampleSize();
        return new TensorF32(shape.withBatch(to - from), Arrays.copyOfRange(data, from * n, to * n));
    }

    public TensorF32 copy() {
        return new TensorF32(shape, data.clone());
    }

    @Override
    public String toString() {
        return "TensorF32" + shape;
    }
}
