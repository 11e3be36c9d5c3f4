package dev.memscope.tensor;

import java.util.Arrays;

/**
 * An n-dimensional array read from or written to a {@code .npy} file. Values are held as doubles, which
 * represent float32, float64 and int32 exactly (int64 exactly up to 2^53).
 */
public record NpyArray(DType dtype, int[] shape, double[] values) {

    public NpyArray {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n *= d;
        }
        if (n != values.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n
                    + " values, got " + values.length);
        }
    }

    public static NpyArray of(TensorF32 t) {
        float[] d = t.data();
        double[] v = new double[d.length];
        for (int i = 0; i < d.length; i++) {
            v[i] = d[i];
        }
        return new NpyArray(DType.FLOAT32, t.shape().toArray(), v);
    }

    public static NpyArray vectorF32(float[] values) {
        double[] v = new double[values.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = values[i];
        }
        return new NpyArray(DType.FLOAT32, new int[] {values.length}, v);
    }

    public static NpyArray vectorF64(double[] values) {
        return new NpyArray(DType.FLOAT64, new int[] {values.length}, values.clone());
    }

    public int size() {
        return values.length;
    }

    /** The array as a float32 batch tensor; it must have 4 dimensions. */
    public TensorF32 toTensorF32() {
        if (shape.length != 4) {
            throw new IllegalArgumentException("expected a 4-d array [B, C, H, W], got shape " + Arrays.toString(shape));
        }
        return new TensorF32(Shape.of(shape), toFloatArray());
    }

    /**
     * The values rounded to float32. A finite value beyond float32's range is refused as an overflow, naming it and
     * its index: rounded, it would become an infinity that a later check reports as if the file held one.
     */
    public float[] toFloatArray() {
        float[] d = new float[values.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) values[i];
            if (Float.isInfinite(d[i]) && Double.isFinite(values[i])) {
                throw new IllegalArgumentException(dtype.name().toLowerCase(java.util.Locale.ROOT) + " value "
                        + values[i] + " at flat index " + i + " overflows float32 (largest " + Float.MAX_VALUE + ")");
            }
        }
        return d;
    }

    public String shapeString() {
        return Arrays.toString(shape);
    }
}
