package dev.memscope.tensor;

import dev.memscope.io.AtomicFiles;
import dev.memscope.io.InputFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes NumPy {@code .npy} files (format versions 1.0, 2.0 and 3.0; C order; little- or big-endian
 * float32, float64, int32, int64; int64 values beyond +/-2^53, which a double cannot hold, are refused).
 * Writes are atomic: a temp file beside the target, then a rename.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** The descr value: a quoted type string, or the start of a structured dtype's field list. */
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*(?:'([^']*)'|(\\[))");
    private static final Pattern SIMPLE_TYPE = Pattern.compile("([<>|=])([a-z]\\d+)");
    /** Largest magnitude up to which every int64 is exactly a double. */
    private static final long EXACT_INT_LIMIT = 1L << 53;
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    public static NpyArray read(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = InputFiles.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "no such .npy file");
        }
        return parse(file, bytes);
    }

    /** Reads a 4-d float array as a float32 tensor (float64 files are rounded to float32). */
    public static TensorF32 readTensor(Path file) throws IOException {
        NpyArray a = read(file);
        if (a.shape().length != 4) {
            throw new NpyFormatException(file, "expected a 4-d array [B, C, H, W], got shape " + a.shapeString());
        }
        try {
            return a.toTensorF32();
        } catch (IllegalArgumentException e) {
            throw new NpyFormatException(file, e.getMessage());
        }
    }

    static NpyArray parse(Path file, byte[] bytes) throws NpyFormatException {
        if (bytes.length < 10) {
            throw new NpyFormatException(file, "truncated: " + bytes.length + " bytes is shorter than a .npy preamble");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (bytes[i] != MAGIC[i]) {
                throw new NpyFormatException(file, "not a .npy file (bad magic string)");
            }
        }
        int major = bytes[6] & 0xff;
        ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int headerLen;
        int headerStart;
        if (major == 1) {
            headerLen = bb.getShort(8) & 0xffff;
            headerStart = 10;
        } else if (major == 2 || major == 3) {
            if (bytes.length < 12) {
                throw new NpyFormatException(file, "truncated .npy preamble");
            }
            headerLen = bb.getInt(8);
            headerStart = 12;
        } else {
            throw new NpyFormatException(file, "unsupported .npy format version " + major + "." + (bytes[7] & 0xff));
        }
        if (headerLen < 0 || headerStart + (long) headerLen > bytes.length) {
            throw new NpyFormatException(file, "truncated: header of " + headerLen + " bytes runs past the end of the file");
        }
        String header = new String(bytes, headerStart, headerLen,
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);

        Matcher m = DESCR.matcher(header);
        if (!m.find()) {
            throw new NpyFormatException(file, "header has no readable 'descr': " + header.trim());
        }
        if (m.group(2) != null) {
            throw new NpyFormatException(file, "unsupported dtype (a structured array with named fields;"
                    + " supported: float32, float64, int32, int64, uint8)");
        }
        String descr = m.group(1);
        Matcher t = SIMPLE_TYPE.matcher(descr);
        DType dtype = t.matches() ? DType.fromCode(t.group(2)) : null;
        if (dtype == null) {
            throw new NpyFormatException(file, "unsupported dtype '" + descr
                    + "' (supported: float32, float64, int32, int64, uint8)");
        }
        ByteOrder order = t.group(1).equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        Matcher f = FORTRAN.matcher(header);
        if (!f.find()) {
            throw new NpyFormatException(file, "header has no 'fortran_order': " + header.trim());
        }
        if (f.group(1).equals("True")) {
            throw new NpyFormatException(file, "Fortran-order arrays are not supported; save with np.ascontiguousarray");
        }
        Matcher s = SHAPE.matcher(header);
        if (!s.find()) {
            throw new NpyFormatException(file, "header has no 'shape': " + header.trim());
        }
        int[] shape = parseShape(file, s.group(1));
        long count = java.util.Arrays.stream(shape).anyMatch(d -> d == 0) ? 0 : 1;
        for (int d : shape) {
            count *= d;
            if (count > Integer.MAX_VALUE - 8) { // checked per factor, so the product never overflows a long
                throw new NpyFormatException(file, "shape " + java.util.Arrays.toString(shape)
                        + " is too large for one Java array");
            }
        }
        int dataStart = headerStart + headerLen;
        long need = count * dtype.bytes;
        // values are held as float64, and usually copied once more to float32
        HeapBudget.require(file + " (shape " + java.util.Arrays.toString(shape) + ")", count * 12L);
        if (bytes.length - dataStart < need) {
            throw new NpyFormatException(file, "truncated: shape " + java.util.Arrays.toString(shape) + " of "
                    + dtype.name().toLowerCase() + " needs " + need + " data bytes, file has " + (bytes.length - dataStart));
        }
        if (bytes.length - dataStart > need) {
            throw new NpyFormatException(file, "corrupt: " + (bytes.length - dataStart - need)
                    + " bytes after the data that shape " + java.util.Arrays.toString(shape) + " describes");
        }
        ByteBuffer data = ByteBuffer.wrap(bytes, dataStart, (int) need).slice().order(order);
        double[] values = new double[(int) count];
        switch (dtype) {
            case FLOAT32 -> {
                float[] floats = new float[values.length];
                data.asFloatBuffer().get(floats);
                for (int i = 0; i < floats.length; i++) {
                    values[i] = floats[i];
                }
            }
            case FLOAT64 -> data.asDoubleBuffer().get(values);
            case INT32 -> {
                for (int i = 0; i < values.length; i++) {
                    values[i] = data.getInt(4 * i);
                }
            }
            case UINT8 -> {
                for (int i = 0; i < values.length; i++) {
                    values[i] = data.get(i) & 0xff;
                }
            }
            case INT64 -> {
                for (int i = 0; i < values.length; i++) {
                    long v = data.getLong(8 * i);
                    if (v > EXACT_INT_LIMIT || v < -EXACT_INT_LIMIT) {
                        // values are held as doubles; refuse rather than round a label or seed silently
                        throw new NpyFormatException(file, "int64 value " + v + " at index " + i
                                + " is beyond +/-2^53 and cannot be held exactly");
                    }
                    values[i] = v;
                }
            }
            default -> throw new AssertionError(dtype);
        }
        return new NpyArray(dtype, shape, values);
    }

    private static int[] parseShape(Path file, String text) throws NpyFormatException {
        String t = text.trim();
        if (t.isEmpty()) {
            return new int[0];
        }
        String[] parts = t.split(",");
        int n = parts[parts.length - 1].isBlank() ? parts.length - 1 : parts.length;
        int[] shape = new int[n];
        for (int i = 0; i < n; i++) {
            try {
                shape[i] = Integer.parseInt(parts[i].trim().replace("L", ""));
            } catch (NumberFormatException e) {
                throw new NpyFormatException(file, "unreadable shape (" + text + ")");
            }
            if (shape[i] < 0) {
                throw new NpyFormatException(file, "negative dimension in shape (" + text + ")");
            }
        }
        return shape;
    }

    public static void write(Path file, TensorF32 t) throws IOException {
        write(file, DType.FLOAT32, t.shape().toArray(), t.data(), null);
    }

    public static void writeF32(Path file, int[] shape, float[] values) throws IOException {
        write(file, DType.FLOAT32, shape, values, null);
    }

    public static void writeF64(Path file, int[] shape, double[] values) throws IOException {
        write(file, DType.FLOAT64, shape, null, values);
    }

    public static void write(Path file, NpyArray a) throws IOException {
        switch (a.dtype()) {
            case FLOAT32 -> write(file, DType.FLOAT32, a.shape(), a.toFloatArray(), null);
            case FLOAT64 -> write(file, DType.FLOAT64, a.shape(), null, a.values());
            default -> writeIntegral(file, a);
        }
    }

    private static void writeIntegral(Path file, NpyArray a) throws IOException {
        int w = a.dtype().bytes;
        byte[] header = header(a.dtype(), a.shape());
        ByteBuffer bb = ByteBuffer.allocate(header.length + a.size() * w).order(ByteOrder.LITTLE_ENDIAN);
        bb.put(header);
        for (double v : a.values()) {
            if (w == 1) {
                bb.put((byte) (int) v);
            } else if (w == 4) {
                bb.putInt((int) v);
            } else {
                bb.putLong((long) v);
            }
        }
        AtomicFiles.write(file, bb.array());
    }

    private static void write(Path file, DType dtype, int[] shape, float[] f, double[] d) throws IOException {
        byte[] header = header(dtype, shape);
        int n = f != null ? f.length : d.length;
        ByteBuffer bb = ByteBuffer.allocate(header.length + n * dtype.bytes).order(ByteOrder.LITTLE_ENDIAN);
        bb.put(header);
        if (f != null) {
            bb.asFloatBuffer().put(f);
        } else {
            bb.asDoubleBuffer().put(d);
        }
        AtomicFiles.write(file, bb.array());
    }

    private static byte[] header(DType dtype, int[] shape) {
        StringBuilder sh = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            sh.append(shape[i]).append(shape.length == 1 ? "," : (i + 1 < shape.length ? ", " : ""));
        }
        sh.append(')');
        String dict = "{'descr': '<" + dtype.code + "', 'fortran_order': False, 'shape': " + sh + ", }";
        // Version 1.0 header; total preamble + header padded to a multiple of 64 bytes, ending in '\n'.
        int unpadded = 10 + dict.length() + 1;
        int pad = (64 - unpadded % 64) % 64;
        String full = dict + " ".repeat(pad) + "\n";
        byte[] h = full.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer bb = ByteBuffer.allocate(10 + h.length).order(ByteOrder.LITTLE_ENDIAN);
        bb.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) h.length).put(h);
        return bb.array();
    }
}
