package dev.memscope.model.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import dev.memscope.model.Condition;
import dev.memscope.model.PredictionType;
import dev.memscope.tensor.NpyArray;
import dev.memscope.tensor.Shape;
import dev.memscope.tensor.TensorF32;
import java.io.IOException;
import java.io.PrintStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The ONNX denoiser on the tiny model against PyTorch (float64 copies of the same weights; oracle:
 * expected/*.npy written by scripts/make_test_unet.py): text states and UNet outputs within rtol 1e-4 (atol 1e-5),
 * for the plain export (int64 timestep, static shape) and the external-data copy (float32 timestep, dynamic
 * height / width read from config.json); and the errors for models that do not fit.
 */
class OnnxDenoiserTest {
    private static OnnxDenoiser model;

    @TempDir
    Path tmp;

    @BeforeAll
    static void open() {
        model = TinyModel.open(2);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void shapeTypesAndPredictionTypeComeFromTheModelAndConfig() {
        assertThat(model.channels()).isEqualTo(4);
        assertThat(model.height()).isEqualTo(8);
        assertThat(model.width()).isEqualTo(8);
        assertThat(model.hiddenSize()).isEqualTo(32);
        assertThat(model.timestepType()).isEqualTo(OnnxJavaType.INT64);
        assertThat(model.predictionType()).isEqualTo(PredictionType.EPSILON);
        assertThat(model.condition("")).isSameAs(Condition.NULL);
    }

    @Test
    void textStatesMatchPyTorch() {
        List<String> prompts = TinyModel.strings("text_emb_prompts.json");
        NpyArray want = TinyModel.npy("text_emb.npy");
        assertThat(want.shape()).containsExactly(prompts.size(), 77, 32);
        float[][] got = model.embed(prompts.toArray(String[]::new));
        for (int p = 0; p < prompts.size(); p++) {
            double ratio = TinyModel.worstRatio(got[p], want.values(), p * 77 * 32);
            assertThat(ratio).as("prompt %d", p).isLessThanOrEqualTo(1.0);
            System.out.printf("text states vs pytorch, prompt %d: worst ratio %.3f, max rel error %.2e%n", p, ratio,
                    TinyModel.maxRelError(got[p], want.values(), p * 77 * 32));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {981, 41})
    void unetOutputMatchesPyTorch(int t) {
        assertMatchesPyTorch(model, t);
    }

    @ParameterizedTest
    @ValueSource(ints = {981, 41})
    void externalDataCopyWithFloatTimestepMatches(int t) {
        OnnxLayout layout = OnnxLayout.of(TinyModel.dir()).withUnet(TinyModel.dir().resolve("external/unet.onnx"));
        try (OnnxDenoiser ext = TinyModel.open(layout, 3)) {
            assertThat(ext.timestepType()).isEqualTo(OnnxJavaType.FLOAT);
            assertThat(ext.height()).isEqualTo(8);   // dynamic in the graph: from external/config.json
            assertMatchesPyTorch(ext, t);
        }
    }

    private static void assertMatchesPyTorch(OnnxDenoiser m, int t) {
        List<String> prompts = TinyModel.strings("unet_prompts.json");
        TensorF32 x = TinyModel.npy("unet_x.npy").toTensorF32();
        Condition[] conds = prompts.stream().map(m::condition).toArray(Condition[]::new);
        assertThat(conds[0]).isSameAs(Condition.NULL);
        TensorF32 out = TensorF32.zeros(x.shape());
        m.predict(x, t, conds, out);
        double[] want = TinyModel.npy("unet_eps_t" + t + ".npy").values();
        double ratio = TinyModel.worstRatio(out.data(), want, 0);
        assertThat(ratio).isLessThanOrEqualTo(1.0);
        System.out.printf("onnx vs pytorch t=%d: worst |err| / (atol + rtol |e|) = %.3f, max rel error %.2e"
                + " (|e| > 1e-3)%n", t, ratio, TinyModel.maxRelError(out.data(), want, 0));
        // the outputs differ per condition, so a mixed-up batch order would fail above
        assertThat(out.data()[0]).isNotEqualTo(out.data()[x.shape().sampleSize()]);
    }

    /** Both timesteps in one batch (one ONNX run of 2 x prompts) against PyTorch's per-timestep outputs. */
    @Test
    void perSampleTimestepsMatchPyTorchAtEachTimestep() {
        List<String> prompts = TinyModel.strings("unet_prompts.json");
        TensorF32 x = TinyModel.npy("unet_x.npy").toTensorF32();
        int n = x.batch();
        Condition[] one = model.conditions(prompts);
        Condition[] conds = new Condition[2 * n];
        float[] both = new float[2 * x.data().length];
        int[] ts = new int[2 * n];
        for (int i = 0; i < n; i++) {
            // interleaved, so a model that read only the first timestep would fail at every other sample
            conds[2 * i] = one[i];
            conds[2 * i + 1] = one[i];
            ts[2 * i] = 981;
            ts[2 * i + 1] = 41;
            int per = x.shape().sampleSize();
            System.arraycopy(x.data(), i * per, both, 2 * i * per, per);
            System.arraycopy(x.data(), i * per, both, (2 * i + 1) * per, per);
        }
        TensorF32 xx = new TensorF32(x.shape().withBatch(2 * n), both);
        TensorF32 out = TensorF32.zeros(xx.shape());
        try (OnnxDenoiser wide = TinyModel.open(64)) {
            wide.predict(xx, ts, conds, out);
        }
        int per = x.shape().sampleSize();
        for (int t : new int[] {981, 41}) {
            double[] want = TinyModel.npy("unet_eps_t" + t + ".npy").values();
            float[] got = new float[x.data().length];
            for (int i = 0; i < n; i++) {
                System.arraycopy(out.data(), (2 * i + (t == 981 ? 0 : 1)) * per, got, i * per, per);
            }
            assertThat(TinyModel.worstRatio(got, want, 0)).as("t = %d", t).isLessThanOrEqualTo(1.0);
        }
        assertThatThrownBy(() -> model.predict(xx, new int[] {981}, conds, TensorF32.zeros(xx.shape())))
                .hasMessageContaining("1 timesteps");
    }

    @Test
    void batchedConditionsEqualOneAtATime() {
        List<String> prompts = List.of("a photo of a cat", "", "a dog", "a photo of a cat");
        Condition[] batched = model.conditions(prompts);
        assertThat(batched[1]).isSameAs(Condition.NULL);
        for (int i : new int[] {0, 2, 3}) {
            float[] single = model.condition(prompts.get(i)).embedding();
            float[] got = batched[i].embedding();
            assertThat(got).hasSameSizeAs(single);
            for (int k = 0; k < got.length; k++) {
                assertThat(got[k]).isCloseTo(single[k],
                        org.assertj.core.data.Offset.offset(1e-5f + 1e-5f * Math.abs(single[k])));
            }
        }
    }

    @Test
    void chunkingDoesNotChangeOutputs() {
        TensorF32 x = TensorF32.gaussian(new Shape(5, 4, 8, 8), 7);
        Condition c = model.condition("a photo of a cat");
        Condition[] conds = {Condition.NULL, c, Condition.NULL, c, c};
        TensorF32 chunked = TensorF32.zeros(x.shape());
        model.predict(x, 500, conds, chunked);           // max batch 2: three ONNX calls
        try (OnnxDenoiser whole = TinyModel.open(8)) {
            TensorF32 once = TensorF32.zeros(x.shape());
            whole.predict(x, 500, conds, once);
            for (int i = 0; i < once.data().length; i++) {
                assertThat(chunked.data()[i]).isCloseTo(once.data()[i],
                        org.assertj.core.data.Offset.offset(1e-5f + 1e-5f * Math.abs(once.data()[i])));
            }
        }
    }

    /** Identity graphs (output = sample) declaring float16 tensors, or an int32 scalar timestep. */
    @Test
    void halfPrecisionAndScalarTimestepsAreConverted() {
        TensorF32 x = TensorF32.gaussian(new Shape(3, 4, 8, 8), 11);
        Condition c = model.condition("a cat");
        Condition[] conds = {Condition.NULL, c, c};
        try (OnnxDenoiser half = openPlumbing("fp16_identity.onnx")) {
            assertThat(half.timestepType()).isEqualTo(OnnxJavaType.FLOAT16);
            TensorF32 out = TensorF32.zeros(x.shape());
            half.predict(x, 981, conds, out);
            for (int i = 0; i < x.data().length; i++) {
                float v = x.data()[i];   // round to nearest fp16: 11 significant bits; subnormals below 6.1e-5
                assertThat(out.data()[i]).isCloseTo(v,
                        org.assertj.core.data.Offset.offset(Math.abs(v) * 0x1p-11f + 0x1p-25f));
            }
        }
        try (OnnxDenoiser scalar = openPlumbing("int32_scalar_timestep_identity.onnx")) {
            assertThat(scalar.timestepType()).isEqualTo(OnnxJavaType.INT32);
            TensorF32 out = TensorF32.zeros(x.shape());
            scalar.predict(x, 41, conds, out);
            assertThat(out.data()).containsExactly(x.data());
        }
    }

    private static OnnxDenoiser openPlumbing(String name) {
        return TinyModel.open(OnnxLayout.of(TinyModel.dir()).withUnet(TinyModel.dir().resolve("plumbing")
                .resolve(name)), 2);
    }

    @Test
    void vPredictionIsReadFromTheSchedulerConfig() throws IOException {
        Path dir = copyModel();
        Files.writeString(dir.resolve("scheduler_config.json"), "{\"prediction_type\": \"v_prediction\"}");
        try (OnnxDenoiser v = TinyModel.open(OnnxLayout.of(dir), 4)) {
            assertThat(v.predictionType()).isEqualTo(PredictionType.V_PREDICTION);
        }
        Files.writeString(dir.resolve("scheduler_config.json"), "{\"prediction_type\": \"sample\"}");
        assertThatThrownBy(() -> TinyModel.open(OnnxLayout.of(dir), 4))
                .hasMessageContaining("scheduler_config.json").hasMessageContaining("'sample'");
    }

    @Test
    void missingConfigMeansEpsilonWithANote() throws IOException {
        Path dir = copyModel();
        Files.delete(dir.resolve("scheduler_config.json"));
        ByteArrayOutputStream notes = new ByteArrayOutputStream();
        try (OnnxDenoiser m = OnnxModels.open(OnnxLayout.of(dir), OnnxProvider.CPU, 4, new PrintStream(notes))) {
            assertThat(m.predictionType()).isEqualTo(PredictionType.EPSILON);
        }
        assertThat(notes.toString()).contains("assuming prediction_type epsilon");
    }

    @Test
    void missingModelFileNamesThePathsTried() throws IOException {
        Path dir = copyModel();
        Files.delete(dir.resolve("unet.onnx"));
        assertThatThrownBy(() -> OnnxModels.open(dir, "cpu")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(dir.toString()).hasMessageContaining("unet/model.onnx, unet.onnx");
        OnnxLayout gone = OnnxLayout.of(TinyModel.dir()).withUnet(tmp.resolve("absent.onnx"));
        assertThatThrownBy(() -> TinyModel.open(gone, 4)).hasMessageContaining("absent.onnx")
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> OnnxModels.open(tmp.resolve("nowhere"), "cpu")).hasMessageContaining("nowhere");
    }

    @Test
    void wrongInputNamesAreListed() {
        assertThatThrownBy(() -> openBad("wrong_names.onnx")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("wrong_names.onnx").hasMessageContaining("sample, timestep, encoder_hidden_states")
                .hasMessageContaining("context");
    }

    @Test
    void hiddenSizeThatDoesNotMatchTheTextEncoderIsRejected() {
        assertThatThrownBy(() -> openBad("wrong_hidden.onnx")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("wrong_hidden.onnx").hasMessageContaining("[?, 77, 16]")
                .hasMessageContaining("[batch, 77, 32]");
    }

    @Test
    void sampleOfWrongRankIsRejected() {
        assertThatThrownBy(() -> openBad("wrong_rank.onnx")).hasMessageContaining("wrong_rank.onnx")
                .hasMessageContaining("rank 4");
    }

    @Test
    void unsupportedTimestepTypeIsRejected() {
        assertThatThrownBy(() -> openBad("bool_timestep.onnx")).hasMessageContaining("bool_timestep.onnx")
                .hasMessageContaining("timestep has element type BOOL");
    }

    @Test
    void tokenizerFolderWithoutMergesFailsTheOpen() throws IOException {
        Path dir = copyModel();
        Files.delete(dir.resolve("merges.txt"));
        assertThatThrownBy(() -> OnnxModels.open(dir, "cpu")).hasMessageContaining(dir.toString())
                .hasMessageContaining("merges.txt");
    }

    @Test
    void wrongLatentShapeAndConditionCountAreRejected() {
        TensorF32 x = TensorF32.zeros(2, 4, 16, 16);
        assertThatThrownBy(() -> model.predict(x, 41, new Condition[] {Condition.NULL, Condition.NULL},
                TensorF32.zeros(x.shape()))).hasMessageContaining("[B, 4, 8, 8]");
        TensorF32 y = TensorF32.zeros(2, 4, 8, 8);
        assertThatThrownBy(() -> model.predict(y, 41, new Condition[] {Condition.NULL}, TensorF32.zeros(y.shape())))
                .hasMessageContaining("1 conditions for 2 latents");
        Condition alien = Condition.of(new float[10], "alien");
        assertThatThrownBy(() -> model.predict(y, 41, new Condition[] {alien, alien}, TensorF32.zeros(y.shape())))
                .hasMessageContaining("77 x 32");
    }

    @Test
    void cudaProviderFailsClearlyOnTheCpuRuntime() {
        org.junit.jupiter.api.Assumptions.assumeFalse(
                OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA),
                "this ONNX Runtime has CUDA; the CPU-only error cannot occur");
        assertThatThrownBy(() -> OnnxModels.open(TinyModel.dir(), "cuda")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no CUDA execution provider").hasMessageContaining("onnxruntime_gpu");
        ByteArrayOutputStream notes = new ByteArrayOutputStream();
        try (OnnxDenoiser auto = OnnxModels.open(OnnxLayout.of(TinyModel.dir()), OnnxProvider.AUTO, 4,
                new PrintStream(notes))) {
            assertThat(auto.channels()).isEqualTo(4);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertThat(notes.toString()).contains("running on the CPU");
        assertThatThrownBy(() -> OnnxProvider.parse("tpu")).hasMessageContaining("cpu, cuda or auto");
    }

    private static OnnxDenoiser openBad(String name) {
        return TinyModel.open(OnnxLayout.of(TinyModel.dir()).withUnet(TinyModel.dir().resolve("bad").resolve(name)), 4);
    }

    private Path copyModel() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("model"));
        for (String f : List.of("unet.onnx", "text_encoder.onnx", "vocab.json", "merges.txt", "tokenizer_config.json",
                "scheduler_config.json")) {
            Files.copy(TinyModel.dir().resolve(f), dir.resolve(f));
        }
        return dir;
    }
}
