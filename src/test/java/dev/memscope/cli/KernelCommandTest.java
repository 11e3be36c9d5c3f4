package dev.memscope.cli;

import dev.memscope.kernels.GuidanceVariant;
import dev.memscope.kernels.Backends;
import dev.memscope.kernels.Conversion;
import dev.memscope.kernels.ScoreKernels;
import dev.memscope.diffusion.NoiseSchedule;
import dev.memscope.tensor.DType;
import dev.memscope.tensor.Npy;
import dev.memscope.tensor.NpyArray;
import dev.memscope.tensor.Shape;
import dev.memscope.tensor.TensorF32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code memscope kernel} against the same backend called directly. The scalar backend is deterministic, so the
 * file the command writes must hold exactly what the direct call returns; any difference is a wiring bug (wrong
 * input order, parameter, noise level or output shape), not rounding.
 */
class KernelCommandTest {
    private static final Shape SHAPE = new Shape(3, 4, 5, 7);
    private static ScoreKernels scalar;

    @TempDir
    Path dir;
    private TensorF32 u;
    private TensorF32 c;
    private TensorF32 n;
    private TensorF32 g;

    @BeforeAll
    static void open() {
        scalar = Backends.create("scalar");
    }

    @AfterAll
    static void close() {
        scalar.close();
    }

    @BeforeEach
    void inputs() throws IOException {
        u = write("u", TensorF32.gaussian(SHAPE, 1));
        c = write("c", TensorF32.gaussian(SHAPE, 2));
        n = write("n", TensorF32.gaussian(SHAPE, 3));
        g = write("g", TensorF32.gaussian(SHAPE, 4));
    }

    private TensorF32 write(String name, TensorF32 t) throws IOException {
        Npy.write(dir.resolve(name + ".npy"), t);
        return t;
    }

    private String f(String name) {
        return dir.resolve(name).toString();
    }

    private NpyArray runOk(String... args) throws IOException {
        CliRun r = CliRun.of(args);
        assertThat(r.exitCode()).as("exit code; stderr: %s", r.err()).isZero();
        NpyArray a = Npy.read(dir.resolve("out.npy"));
        assertThat(a.dtype()).isEqualTo(DType.FLOAT32);
        return a;
    }

    @Test
    void perSampleOpsWriteOneFloat32PerSample() throws IOException {
        NpyArray a = runOk("kernel", "diffNorm", "--in", f("c.npy"), "--in", f("u.npy"), "--out", f("out.npy"),
                "--backend", "scalar");
        float[] direct = new float[3];
        scalar.diffNorm(c, u, direct);
        assertThat(a.shape()).containsExactly(3);
        assertThat(a.toFloatArray()).containsExactly(direct);

        a = runOk("kernel", "guidanceAlignment", "--in", f("c.npy"), "--in", f("u.npy"), "--param", "variant=cond-guidance",
                "--out", f("out.npy"), "--backend", "scalar");
        scalar.guidanceAlignment(c, u, GuidanceVariant.COND_VS_GUIDANCE, direct);
        assertThat(a.toFloatArray()).containsExactly(direct);

        // the default variant is the anisotropy metric's cos(eps_u, eps_c - eps_u)
        a = runOk("kernel", "guidanceAlignment", "--in", f("c.npy"), "--in", f("u.npy"), "--out", f("out.npy"),
                "--backend", "scalar");
        scalar.guidanceAlignment(c, u, GuidanceVariant.UNCOND_VS_GUIDANCE, direct);
        assertThat(a.toFloatArray()).containsExactly(direct);

        a = runOk("kernel", "mse", "--in", f("c.npy"), "--in", f("u.npy"), "--out", f("out.npy"), "--backend", "scalar");
        scalar.mse(c, u, direct);
        assertThat(a.toFloatArray()).containsExactly(direct);
    }

    @Test
    void cfgAppliesOneScaleToEverySampleOrOnePerSample() throws IOException {
        NpyArray a = runOk("kernel", "cfg", "--in", f("u.npy"), "--in", f("c.npy"), "--param", "scale=7.5",
                "--out", f("out.npy"), "--backend", "scalar");
        TensorF32 direct = TensorF32.zeros(SHAPE);
        scalar.cfg(u, c, new float[] {7.5f, 7.5f, 7.5f}, direct);
        assertThat(a.shape()).containsExactly(3, 4, 5, 7);
        assertThat(a.toFloatArray()).containsExactly(direct.data());

        a = runOk("kernel", "cfg", "--in", f("u.npy"), "--in", f("c.npy"), "--param", "scale=7.5,1,0",
                "--out", f("out.npy"), "--backend", "scalar");
        scalar.cfg(u, c, new float[] {7.5f, 1f, 0f}, direct);
        assertThat(a.toFloatArray()).containsExactly(direct.data());
    }

    @Test
    void amgTakesANamedOptionalInputAndATimestep() throws IOException {
        // eps_n skipped, g named: the g term at SD's abar(981)
        NpyArray a = runOk("kernel", "amg", "--in", f("u.npy"), "--in", f("c.npy"), "--in", "g=" + f("g.npy"),
                "--param", "s0=7.5", "--param", "s1=2.5,0,1", "--param", "c3=0.25", "--param", "t=981",
                "--out", f("out.npy"), "--backend", "scalar");
        TensorF32 direct = TensorF32.zeros(SHAPE);
        scalar.amg(u, c, null, g, 7.5, new float[] {2.5f, 0f, 1f}, null, new float[] {0.25f, 0.25f, 0.25f},
                NoiseSchedule.stableDiffusion().alphabar(981), direct);
        assertThat(a.toFloatArray()).containsExactly(direct.data());

        a = runOk("kernel", "amg", "--in", f("u.npy"), "--in", f("c.npy"), "--in", f("n.npy"), "--in", f("g.npy"),
                "--param", "s0=5", "--param", "s1=1", "--param", "s2=0.5", "--param", "c3=2", "--param", "abar_t=0.25",
                "--out", f("out.npy"), "--backend", "scalar");
        scalar.amg(u, c, n, g, 5, new float[] {1, 1, 1}, new float[] {0.5f, 0.5f, 0.5f}, new float[] {2, 2, 2}, 0.25, direct);
        assertThat(a.toFloatArray()).containsExactly(direct.data());
    }

    @Test
    void ddimStepAndConversionsResolveTimestepsWithTheSchedule() throws IOException {
        NpyArray a = runOk("kernel", "ddimStep", "--in", f("u.npy"), "--in", f("c.npy"), "--param", "t=981",
                "--param", "t_prev=961", "--out", f("out.npy"), "--backend", "scalar");
        TensorF32 direct = TensorF32.zeros(SHAPE);
        scalar.ddimStep(u, c, NoiseSchedule.stableDiffusion().alphabar(981), NoiseSchedule.stableDiffusion().alphabar(961), direct);
        assertThat(a.toFloatArray()).containsExactly(direct.data());

        a = runOk("kernel", "ddimStep", "--in", f("u.npy"), "--in", f("c.npy"), "--param", "t=1",
                "--param", "t_prev=-1", "--out", f("out.npy"), "--backend", "scalar");
        scalar.ddimStep(u, c, NoiseSchedule.stableDiffusion().alphabar(1), 1.0, direct);
        assertThat(a.toFloatArray()).containsExactly(direct.data());

        a = runOk("kernel", "convert", "--in", f("u.npy"), "--in", f("c.npy"), "--param", "conversion=v-to-x0",
                "--param", "abar=0.3", "--out", f("out.npy"), "--backend", "scalar");
        scalar.convert(Conversion.V_TO_X0, u, c, 0.3, direct);
        assertThat(a.toFloatArray()).containsExactly(direct.data());
    }

    @Test
    void autoBackendSaysWhatItChose() {
        CliRun r = CliRun.of("kernel", "pixelCosine", "--in", f("u.npy"), "--in", f("c.npy"), "--out", f("out.npy"));
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("pixelCosine [3, 4, 5, 7] on " + Backends.resolve("auto")).contains("auto:");
    }

    // ---- user errors: exit 2, one clear line, no stack trace, no output file -----------------------------------

    private void assertUserError(String expectedMessage, String... args) {
        CliRun r = CliRun.of(args);
        assertThat(r.exitCode()).as("exit code; out: %s err: %s", r.out(), r.err()).isEqualTo(2);
        assertThat(r.err()).contains(expectedMessage).doesNotContain("\tat dev.memscope").doesNotContain("Exception in");
        assertThat(Files.exists(dir.resolve("out.npy"))).as("no output on error").isFalse();
    }

    @Test
    void wrongNumberOfInputs() {
        assertUserError("diffNorm needs 2 inputs (a, b), got 1: missing b",
                "kernel", "diffNorm", "--in", f("u.npy"), "--out", f("out.npy"), "--backend", "scalar");
        assertUserError("mse takes 2 inputs (pred, target), got 3",
                "kernel", "mse", "--in", f("u.npy"), "--in", f("c.npy"), "--in", f("n.npy"), "--out", f("out.npy"));
        assertUserError("amg: unknown input name 'h'; it takes eps_u, eps_c, [eps_n], [g]",
                "kernel", "amg", "--in", f("u.npy"), "--in", f("c.npy"), "--in", "h=" + f("g.npy"), "--out", f("out.npy"));
    }

    @Test
    void missingOrBadParameters() {
        assertUserError("cfg needs --param scale=...",
                "kernel", "cfg", "--in", f("u.npy"), "--in", f("c.npy"), "--out", f("out.npy"));
        assertUserError("cfg: parameter scale has 2 values but the batch has 3 samples",
                "kernel", "cfg", "--in", f("u.npy"), "--in", f("c.npy"), "--param", "scale=1,2", "--out", f("out.npy"));
        assertUserError("cfg: parameter scale='seven' is not a number",
                "kernel", "cfg", "--in", f("u.npy"), "--in", f("c.npy"), "--param", "scale=seven", "--out", f("out.npy"));
        assertUserError("diffNorm: unknown parameter 'scale'; it takes none",
                "kernel", "diffNorm", "--in", f("u.npy"), "--in", f("c.npy"), "--param", "scale=1", "--out", f("out.npy"));
        assertUserError("ddimStep needs --param abar_prev=... or --param t_prev=...",
                "kernel", "ddimStep", "--in", f("u.npy"), "--in", f("c.npy"), "--param", "t=981", "--out", f("out.npy"));
        assertUserError("ddimStep: parameter t: timestep 1000 is outside the schedule [0, 999]",
                "kernel", "ddimStep", "--in", f("u.npy"), "--in", f("c.npy"), "--param", "t=1000", "--param", "t_prev=980",
                "--out", f("out.npy"));
        assertUserError("amg: parameter c3 belongs to the g term, but no g input is given",
                "kernel", "amg", "--in", f("u.npy"), "--in", f("c.npy"), "--param", "s0=7.5", "--param", "s1=1",
                "--param", "c3=1", "--out", f("out.npy"));
        assertUserError("unknown conversion 'eps-to-z'",
                "kernel", "convert", "--in", f("u.npy"), "--in", f("c.npy"), "--param", "conversion=eps-to-z",
                "--param", "t=10", "--out", f("out.npy"));
    }

    @Test
    void unknownOpAndBackend() {
        assertUserError("unknown kernel op 'difNorm'; known: diffNorm, guidanceAlignment",
                "kernel", "difNorm", "--in", f("u.npy"), "--in", f("c.npy"), "--out", f("out.npy"));
        assertUserError("unknown backend 'gpu'",
                "kernel", "diffNorm", "--in", f("u.npy"), "--in", f("c.npy"), "--out", f("out.npy"), "--backend", "gpu");
    }

    @Test
    void unreadableFilesAreNamed() throws IOException {
        assertUserError("input b: no such file " + f("missing.npy"),
                "kernel", "diffNorm", "--in", f("u.npy"), "--in", f("missing.npy"), "--out", f("out.npy"));
        Files.write(dir.resolve("junk.npy"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
        assertUserError("input a: " + f("junk.npy") + ": not a .npy file",
                "kernel", "diffNorm", "--in", f("junk.npy"), "--in", f("u.npy"), "--out", f("out.npy"));
        Npy.writeF32(dir.resolve("vec.npy"), new int[] {3}, new float[] {1, 2, 3});
        assertUserError("expected a 4-d array [B, C, H, W], got shape [3]",
                "kernel", "diffNorm", "--in", f("vec.npy"), "--in", f("u.npy"), "--out", f("out.npy"));
    }

    @Test
    void shapeMismatchNamesBothShapes() throws IOException {
        write("small", TensorF32.gaussian(new Shape(3, 4, 5, 6), 9));
        assertUserError("shape mismatch: a is [3, 4, 5, 7] but b is [3, 4, 5, 6]",
                "kernel", "diffNorm", "--in", f("u.npy"), "--in", f("small.npy"), "--out", f("out.npy"));
    }

    @Test
    void nanIsRejectedWithItsLocationUnlessAllowed() throws IOException {
        TensorF32 bad = u.copy();
        bad.set(1, 2, 3, 4, Float.NaN);
        write("bad", bad);
        assertUserError("input tensor u [3, 4, 5, 7] holds NaN at sample 1, element (c=2, h=3, w=4)",
                "kernel", "pixelCosine", "--in", f("bad.npy"), "--in", f("c.npy"), "--out", f("out.npy"),
                "--backend", "scalar");

        NpyArray a = runOk("kernel", "pixelCosine", "--in", f("bad.npy"), "--in", f("c.npy"), "--out", f("out.npy"),
                "--backend", "scalar", "--allow-nonfinite");
        float[] r = a.toFloatArray();
        assertThat(r[1]).isNaN();
        assertThat(r[0]).isFinite();
        assertThat(r[2]).isFinite();
    }

    @Test
    void missingOutIsAUsageError() {
        CliRun r = CliRun.of("kernel", "diffNorm", "--in", f("u.npy"), "--in", f("c.npy"));
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("Missing required option: '--out=FILE'");
    }
}
