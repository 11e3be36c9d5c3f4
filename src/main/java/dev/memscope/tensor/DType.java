package dev.memscope.tensor;

/** The element types MemScope reads and writes in {@code .npy} files. */
public enum DType {
    FLOAT32("f4", 4), FLOAT64("f8", 8), INT32("i4", 4), INT64("i8", 8),
    /** Images stored compactly (the testbed's training images for the copy judgement). */
    UINT8("u1", 1);

    final String code;
    final int bytes;

    DType(String code, int bytes) {
        this.code = code;
        this.bytes = bytes;
    }

    public int bytes() {
        return bytes;
    }

    static DType fromCode(String code) {
        for (DType t : values()) {
            if (t.code.equals(code)) {
                return t;
            }
        }
        return null;
    }
}
