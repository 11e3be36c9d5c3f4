package dev.memscope.tensor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link Npy} against the .npy format specification (numpy.lib.format, versions 1.0, 2.0, 3.0): round trips,
 * hand-made files byte by byte, and every kind of damage, each error naming the file.
 */
class NpyTest {

    @TempDir
    Path dir;

    // ---- round trips -------------------------------------------------------------------------------------------

    @Test
    void float32TensorRoundTripsBitForBit() throws IOException {
        TensorF32 t = TensorF32.gaussian(new Shape(2, 3, 4, 5), 7);
        t.data()[0] = Float.MIN_VALUE;
        t.data()[1] = -0.0f;
        t.data()[2] = Float.MAX_VALUE;
        t.data()[3] = Float.NaN;
        t.data()[4] = Float.NEGATIVE_INFINITY;
        Path f = dir.resolve("t.npy");
        Npy.write(f, t);
        TensorF32 back = Npy.readTensor(f);
        assertThat(back.shape()).isEqualTo(t.shape());
        assertThat(bits(back.data())).containsExactly(bits(t.data()));
        assertThat(Npy.read(f).dtype()).isEqualTo(DType.FLOAT32);
    }

    @Test
    void float64RoundTripsBitForBitInAnyRank() throws IOException {
        double[] v = {Math.PI, -0.0, Double.MIN_VALUE, Double.MAX_VALUE, Double.NaN, Double.POSITIVE_INFINITY,
            1e-300, -123456789.123456789};
        for (int[] shape : new int[][] {{8}, {2, 4}, {2, 2, 2}, {1, 2, 1, 4, 1}}) {
            Path f = dir.resolve("d" + shape.length + ".npy");
            Npy.writeF64(f, shape, v);
            NpyArray a = Npy.read(f);
            assertThat(a.dtype()).isEqualTo(DType.FLOAT64);
            assertThat(a.shape()).containsExactly(shape);
            assertThat(Arrays.stream(a.values()).mapToLong(Double::doubleToRawLongBits).toArray())
                    .containsExactly(Arrays.stream(v).mapToLong(Double::doubleToRawLongBits).toArray());
        }
    }

    @Test
    void scalarAndEmptyArraysRoundTrip() throws IOException {
        Path scalar = dir.resolve("scalar.npy");
        Npy.writeF64(scalar, new int[0], new double[] {2.5});
        assertThat(Npy.read(scalar).shape()).isEmpty();
        assertThat(Npy.read(scalar).values()).containsExactly(2.5);
        Path empty = dir.resolve("empty.npy");
        Npy.writeF32(empty, new int[] {0, 3}, new float[0]);
        assertThat(Npy.read(empty).shape()).containsExactly(0, 3);
    }

    @Test
    void int64AndInt32RoundTripExactlyUpTo2To53() throws IOException {
        double[] v = {0, -1, 1, 9007199254740992.0, -9007199254740992.0, 123456789012345.0};
        Path f = dir.resolve("i8.npy");
        Npy.write(f, new NpyArray(DType.INT64, new int[] {2, 3}, v));
        NpyArray a = Npy.read(f);
        assertThat(a.dtype()).isEqualTo(DType.INT64);
        assertThat(a.values()).containsExactly(v);
        double[] w = {Integer.MIN_VALUE, Integer.MAX_VALUE, -7, 0};
        Path g = dir.resolve("i4.npy");
        Npy.write(g, new NpyArray(DType.INT32, new int[] {4}, w));
        assertThat(Npy.read(g).values()).containsExactly(w);
    }

    @Test
    void writtenHeaderFollowsTheSpecification() throws IOException {
        Path f = dir.resolve("h.npy");
        Npy.writeF32(f, new int[] {3}, new float[] {1, 2, 3});
        byte[] b = Files.readAllBytes(f);
        int headerLen = ByteBuffer.wrap(b, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xffff;
        String header = new String(b, 10, headerLen, StandardCharsets.ISO_8859_1);
        assertThat(Arrays.copyOf(b, 8)).containsExactly(0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0);
        assertThat((10 + headerLen) % 64).as("data starts on a 64-byte boundary").isZero();
        assertThat(header).startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }").endsWith("\n");
        assertThat(b.length).isEqualTo(10 + headerLen + 12);
    }

    @Test
    void writesAreAtomicAndReplaceTheTarget() throws IOException {
        Path f = dir.resolve("sub/dir/x.npy");
        Npy.writeF32(f, new int[] {2}, new float[] {1, 2});
        Npy.writeF32(f, new int[] {3}, new float[] {4, 5, 6});
        assertThat(Npy.read(f).values()).containsExactly(4, 5, 6);
        try (Stream<Path> s = Files.list(f.getParent())) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("x.npy");
        }
    }

    // ---- hand-made files: versions, byte order -----------------------------------------------------------------

    /** A .npy file byte by byte: preamble of the given version, header text padded as NumPy does, then data. */
    static byte[] npy(int major, String dict, byte[] data) {
        byte[] text = dict.getBytes(major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        int pre = major == 1 ? 10 : 12;
        int pad = (64 - (pre + text.length + 1) % 64) % 64;
        byte[] header = new byte[text.length + pad + 1];
        Arrays.fill(header, (byte) ' ');
        System.arraycopy(text, 0, header, 0, text.length);
        header[header.length - 1] = '\n';
        ByteBuffer bb = ByteBuffer.allocate(pre + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        bb.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        if (major == 1) {
            bb.putShort((short) header.length);
        } else {
            bb.putInt(header.length);
        }
        return bb.put(header).put(data).array();
    }

    static byte[] floats(ByteOrder order, float... v) {
        ByteBuffer bb = ByteBuffer.allocate(4 * v.length).order(order);
        for (float x : v) {
            bb.putFloat(x);
        }
        return bb.array();
    }

    static byte[] doubles(ByteOrder order, double... v) {
        ByteBuffer bb = ByteBuffer.allocate(8 * v.length).order(order);
        for (double x : v) {
            bb.putDouble(x);
        }
        return bb.array();
    }

    static byte[] longs(ByteOrder order, long... v) {
        ByteBuffer bb = ByteBuffer.allocate(8 * v.length).order(order);
        for (long x : v) {
            bb.putLong(x);
        }
        return bb.array();
    }

    private Path file(String name, byte[] bytes) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, bytes);
        return f;
    }

    @Test
    void readsHeaderVersions1And2And3() throws IOException {
        byte[] data = floats(ByteOrder.LITTLE_ENDIAN, 1.5f, -2f, 3.25f, 0f, 7f, 8f);
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
        for (int major = 1; major <= 3; major++) {
            NpyArray a = Npy.read(file("v" + major + ".npy", npy(major, dict, data)));
            assertThat(a.shape()).as("version %d", major).containsExactly(2, 3);
            assertThat(a.values()).as("version %d", major).containsExactly(1.5, -2, 3.25, 0, 7, 8);
        }
    }

    @Test
    void readsVersion3HeaderWithUtf8AndKeysInAnyOrder() throws IOException {
        // version 3.0 exists for UTF-8 headers; keys may come in any order and with any spacing
        String dict = "{'shape':(2,),'fortran_order':False,'descr':'<f8', 'note': 'ÿ→'}";
        NpyArray a = Npy.read(file("v3.npy", npy(3, dict, doubles(ByteOrder.LITTLE_ENDIAN, 0.1, 0.2))));
        assertThat(a.values()).containsExactly(0.1, 0.2);
    }

    @Test
    void readsBigEndianData() throws IOException {
        NpyArray f = Npy.read(file("bf.npy", npy(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (3,), }",
                floats(ByteOrder.BIG_ENDIAN, 1f, -0.5f, 1e-30f))));
        assertThat(f.values()).containsExactly(1, -0.5, (double) 1e-30f);
        NpyArray d = Npy.read(file("bd.npy", npy(1, "{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }",
                doubles(ByteOrder.BIG_ENDIAN, Math.E, -1e300))));
        assertThat(d.values()).containsExactly(Math.E, -1e300);
        NpyArray l = Npy.read(file("bl.npy", npy(1, "{'descr': '>i8', 'fortran_order': False, 'shape': (2,), }",
                longs(ByteOrder.BIG_ENDIAN, -5, 1L << 40))));
        assertThat(l.values()).containsExactly(-5, 1L << 40);
    }

    @Test
    void readsAFourDimensionalFloat64FileAsAFloat32Tensor() throws IOException {
        Path f = file("t.npy", npy(2, "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2, 1, 2), }",
                doubles(ByteOrder.LITTLE_ENDIAN, 1, 2, 3, 0.1)));
        TensorF32 t = Npy.readTensor(f);
        assertThat(t.shape()).isEqualTo(new Shape(1, 2, 1, 2));
        assertThat(t.data()).containsExactly(1, 2, 3, 0.1f);
    }

    // ---- damage: every error names the file ------------------------------------------------------------------------

    private static final String F4_23 = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";

    private void assertRejected(Path f, String... fragments) {
        assertThatThrownBy(() -> Npy.read(f)).isInstanceOf(NpyFormatException.class)
                .hasMessageStartingWith(f.toString() + ": ").hasMessageContainingAll(fragments);
    }

    @Test
    void truncatedDataIsAnErrorNamingTheFile() throws IOException {
        byte[] full = npy(1, F4_23, floats(ByteOrder.LITTLE_ENDIAN, 1, 2, 3, 4, 5, 6));
        assertRejected(file("short.npy", Arrays.copyOf(full, full.length - 3)), "truncated", "needs 24 data bytes",
                "has 21");
    }

    @Test
    void truncatedHeaderIsAnErrorNamingTheFile() throws IOException {
        byte[] full = npy(1, F4_23, floats(ByteOrder.LITTLE_ENDIAN, 1, 2, 3, 4, 5, 6));
        assertRejected(file("hdr.npy", Arrays.copyOf(full, 40)), "truncated", "header");
        assertRejected(file("pre.npy", Arrays.copyOf(full, 7)), "truncated");
        byte[] v2 = npy(2, F4_23, new byte[24]);
        assertRejected(file("pre2.npy", Arrays.copyOf(v2, 11)), "truncated");
        assertRejected(file("empty.npy", new byte[0]), "truncated");
    }

    @Test
    void badMagicIsAnErrorNamingTheFile() throws IOException {
        byte[] b = npy(1, F4_23, new byte[24]);
        b[1] = 'X';
        assertRejected(file("magic.npy", b), "not a .npy file");
        assertRejected(file("text.npy", "just some text, long enough".getBytes(StandardCharsets.US_ASCII)),
                "not a .npy file");
    }

    @Test
    void unsupportedVersionIsAnErrorNamingTheFile() throws IOException {
        byte[] b = npy(1, F4_23, new byte[24]);
        b[6] = 4;
        assertRejected(file("v4.npy", b), "unsupported .npy format version 4.0");
    }

    @Test
    void unsupportedDtypesAreErrorsNamingTheFileAndTheDtype() throws IOException {
        for (String descr : new String[] {"<f2", "<c16", "|b1", "<u2", "<U3", "<M8[ns]", "|O"}) {
            Path f = file("dtype.npy", npy(1, "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (2,), }",
                    new byte[0]));
            assertRejected(f, "unsupported dtype '" + descr + "'");
        }
        Path structured = file("struct.npy",
                npy(1, "{'descr': [('x', '<f4'), ('y', '<f4')], 'fortran_order': False, 'shape': (2,), }",
                        new byte[16]));
        assertRejected(structured, "unsupported dtype");
    }

    @Test
    void uint8ReadsAsUnsignedBytesAndWritesBack() throws IOException {
        // 8-bit images are stored as uint8, as NumPy writes them
        Path f = file("u8.npy", npy(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 2), }",
                new byte[] {0, (byte) 200, (byte) 255, 7}));
        NpyArray a = Npy.read(f);
        assertThat(a.dtype()).isEqualTo(DType.UINT8);
        assertThat(a.shape()).containsExactly(2, 2);
        assertThat(a.values()).containsExactly(0, 200, 255, 7);
        Path back = f.resolveSibling("u8-back.npy");
        Npy.write(back, a);
        assertThat(Npy.read(back).values()).containsExactly(0, 200, 255, 7);
    }

    @Test
    void fortranOrderIsAnErrorNamingTheFile() throws IOException {
        Path f = file("fortran.npy", npy(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }",
                new byte[24]));
        assertRejected(f, "Fortran-order");
    }

    @Test
    void trailingGarbageIsAnErrorNamingTheFile() throws IOException {
        byte[] full = npy(1, F4_23, floats(ByteOrder.LITTLE_ENDIAN, 1, 2, 3, 4, 5, 6));
        byte[] longer = Arrays.copyOf(full, full.length + 5);
        assertRejected(file("trailing.npy", longer), "5 bytes after the data");
    }

    @Test
    void unreadableHeadersAreErrorsNamingTheFile() throws IOException {
        assertRejected(file("noshape.npy", npy(1, "{'descr': '<f4', 'fortran_order': False}", new byte[4])),
                "no 'shape'");
        assertRejected(file("badshape.npy", npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, x), }",
                new byte[8])), "unreadable shape");
        assertRejected(file("negshape.npy", npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }",
                new byte[8])), "negative dimension");
        assertRejected(file("huge.npy", npy(1, "{'descr': '<f8', 'fortran_order': False, "
                + "'shape': (2147483647, 2147483647, 2147483647, 2147483647, 16), }", new byte[8])), "too large");
    }

    @Test
    void int64ValuesThatADoubleCannotHoldAreAnErrorNamingTheFile() throws IOException {
        Path f = file("bigint.npy", npy(1, "{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }",
                longs(ByteOrder.LITTLE_ENDIAN, 1, (1L << 53) + 1, 2)));
        assertRejected(f, "int64", "9007199254740993", "index 1");
    }

    @Test
    void readTensorNamesTheFileForAWrongRankOrAnEmptyBatch() throws IOException {
        Path rank3 = dir.resolve("rank3.npy");
        Npy.writeF32(rank3, new int[] {2, 3, 4}, new float[24]);
        assertThatThrownBy(() -> Npy.readTensor(rank3)).isInstanceOf(NpyFormatException.class)
                .hasMessageStartingWith(rank3.toString()).hasMessageContaining("4-d").hasMessageContaining("[2, 3, 4]");
        Path empty = dir.resolve("empty-batch.npy");
        Npy.writeF32(empty, new int[] {0, 4, 8, 8}, new float[0]);
        assertThatThrownBy(() -> Npy.readTensor(empty)).isInstanceOf(NpyFormatException.class)
                .hasMessageStartingWith(empty.toString()).hasMessageContaining("empty batch");
    }

    @Test
    void aMissingFileIsNamed() {
        Path f = dir.resolve("nowhere.npy");
        assertThatThrownBy(() -> Npy.read(f)).isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining(f.toString());
    }

    private static int[] bits(float[] f) {
        int[] b = new int[f.length];
        for (int i = 0; i < f.length; i++) {
            b[i] = Float.floatToRawIntBits(f[i]);
        }
        return b;
    }
}
