package dev.memscope.tensor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link Npy} against NumPy itself, the format's reference implementation: NumPy writes files (every dtype and
 * byte order we read, header versions 1.0, 2.0 and 3.0, a scalar, a Fortran-order array) that Java must read to
 * the bit, and NumPy must load what Java writes. Skipped, with the reason, only where python3 with NumPy is not
 * installed.
 */
class NpyNumpyCrossCheckTest {

    @TempDir
    Path dir;

    /** Values both sides compute the same way in float64: {@code i * 0.37 - 11.5} over a [2, 3, 4, 5] arange. */
    private static final String NUMPY_WRITES = """
            import sys, numpy as np
            from numpy.lib import format as npf
            d = sys.argv[1]
            a = np.arange(120, dtype=np.float64).reshape(2, 3, 4, 5) * 0.37 - 11.5
            np.save(d + '/f4.npy', a.astype('<f4'))
            np.save(d + '/f8.npy', a)
            np.save(d + '/f4be.npy', a.astype('>f4'))
            np.save(d + '/f8be.npy', a.astype('>f8'))
            np.save(d + '/i8.npy', (np.arange(12, dtype='<i8') - 6).reshape(3, 4) * 1000000007)
            np.save(d + '/i4.npy', np.arange(12, dtype='<i4') - 6)
            np.save(d + '/scalar.npy', np.float64(2.5))
            np.save(d + '/fortran.npy', np.asfortranarray(a[0, 0]))
            for v in (2, 3):
                with open(d + '/v%d.npy' % v, 'wb') as f:
                    npf.write_array(f, a, version=(v, 0))
            """;

    private static final String NUMPY_READS = """
            import sys, numpy as np
            d = sys.argv[1]
            a = np.arange(120, dtype=np.float64).reshape(2, 3, 4, 5) * 0.37 - 11.5
            def check(name, want):
                got = np.load(d + '/' + name, allow_pickle=False)
                assert got.dtype == want.dtype, (name, got.dtype, want.dtype)
                assert got.shape == want.shape, (name, got.shape, want.shape)
                assert np.array_equal(got, want), name
            check('java-f4.npy', a.astype(np.float32))
            check('java-f8.npy', a)
            check('java-i8.npy', (np.arange(12, dtype=np.int64) - 6).reshape(3, 4) * 1000000007)
            check('java-1d.npy', np.array([1.0, -2.0, 3.5], dtype=np.float32))
            print('ok')
            """;

    private static double value(int i) {
        return i * 0.37 - 11.5;
    }

    @Test
    void npyAgreesWithNumpyBothWays() throws Exception {
        String why = python("import numpy");
        assumeTrue(why == null, () -> "python3 with NumPy is not available: " + why);
        assertThat(python(NUMPY_WRITES)).as("NumPy writing the files Java reads").isNull();

        double[] expected = new double[120];
        float[] expected32 = new float[120];
        for (int i = 0; i < 120; i++) {
            expected[i] = value(i);
            expected32[i] = (float) expected[i];
        }
        for (String f : new String[] {"f8.npy", "f8be.npy", "v2.npy", "v3.npy"}) {
            NpyArray a = Npy.read(dir.resolve(f));
            assertThat(a.dtype()).as(f).isEqualTo(DType.FLOAT64);
            assertThat(a.shape()).as(f).containsExactly(2, 3, 4, 5);
            assertThat(a.values()).as(f).containsExactly(expected);
        }
        for (String f : new String[] {"f4.npy", "f4be.npy"}) {
            TensorF32 t = Npy.readTensor(dir.resolve(f));
            assertThat(t.shape()).as(f).isEqualTo(new Shape(2, 3, 4, 5));
            assertThat(t.data()).as(f).containsExactly(expected32);
        }
        NpyArray i8 = Npy.read(dir.resolve("i8.npy"));
        assertThat(i8.dtype()).isEqualTo(DType.INT64);
        assertThat(i8.shape()).containsExactly(3, 4);
        assertThat(i8.values()[0]).isEqualTo(-6 * 1000000007.0);
        assertThat(i8.values()[11]).isEqualTo(5 * 1000000007.0);
        NpyArray i4 = Npy.read(dir.resolve("i4.npy"));
        assertThat(i4.dtype()).isEqualTo(DType.INT32);
        assertThat(i4.values()).startsWith(-6, -5).endsWith(5);
        NpyArray scalar = Npy.read(dir.resolve("scalar.npy"));
        assertThat(scalar.shape()).isEmpty();
        assertThat(scalar.values()).containsExactly(2.5);
        Path fortran = dir.resolve("fortran.npy");
        assertThatThrownBy(() -> Npy.read(fortran)).isInstanceOf(NpyFormatException.class)
                .hasMessageStartingWith(fortran.toString()).hasMessageContaining("Fortran-order");

        Npy.write(dir.resolve("java-f4.npy"), new TensorF32(new Shape(2, 3, 4, 5), expected32));
        Npy.writeF64(dir.resolve("java-f8.npy"), new int[] {2, 3, 4, 5}, expected);
        double[] ints = new double[12];
        for (int i = 0; i < 12; i++) {
            ints[i] = (i - 6) * 1000000007.0;
        }
        Npy.write(dir.resolve("java-i8.npy"), new NpyArray(DType.INT64, new int[] {3, 4}, ints));
        Npy.writeF32(dir.resolve("java-1d.npy"), new int[] {3}, new float[] {1, -2, 3.5f});
        assertThat(python(NUMPY_READS)).as("NumPy loading the files Java wrote").isNull();
    }

    /** Runs a Python program with the temp folder as argument; null on success, else why it failed. */
    private String python(String program) throws InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder("python3", "-c", program, dir.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            return "cannot start python3 (" + e.getMessage() + ")";
        }
        String output;
        try {
            output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            output = e.toString();
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "python3 timed out";
        }
        return p.exitValue() == 0 ? null : "python3 exited with " + p.exitValue() + ": " + output.trim();
    }
}
