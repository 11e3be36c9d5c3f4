package dev.memscope.model.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memscope.diffusion.DdimSampler;
import dev.memscope.model.Condition;
import dev.memscope.model.KeyLogits;
import dev.memscope.tensor.TensorF32;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The UNet's cross-attention key-control inputs from Java: the testbed's graph has them (and the identity control
 * changes no bit), a graph without them refuses a controlled condition with a one-line reason.
 */
class KeyControlInputsTest {
    static final Path TESTBED = Path.of("models", "testbed", "onnx");

    @Test
    void identityControlChangesNoBitAndOtherControlsChangeOnlyTheirSample() throws Exception {
        try (OnnxDenoiser m = OnnxModels.open(TESTBED, "cpu")) {
            assertThat(m.attentionKeyControl()).isPresent();
            assertThat(m.attentionKeyControl().get().keys()).isEqualTo(32);
            Condition plain = m.condition("rustic swimmer shirt");
            float[] scale = KeyLogits.identity(32).scale();
            scale[0] = 1.5f;
            Condition[] uncontrolled = {plain, Condition.NULL, plain};
            Condition[] controlled = {plain.withKeyLogits(KeyLogits.identity(32)),
                    Condition.NULL.withKeyLogits(KeyLogits.identity(32)),
                    plain.withKeyLogits(new KeyLogits(scale, new float[32]))};
            TensorF32 x = DdimSampler.initialNoise(3, 16, 16, new long[] {5, 6, 7});
            TensorF32 a = TensorF32.zeros(x.shape());
            TensorF32 b = TensorF32.zeros(x.shape());
            m.predict(x, 501, uncontrolled, a);
            m.predict(x, 501, controlled, b);
            int n = x.shape().sampleSize();
            for (int i = 0; i < 2 * n; i++) {
                assertThat(b.data()[i]).as("element %d", i).isEqualTo(a.data()[i]);
            }
            double moved = 0;
            for (int i = 2 * n; i < 3 * n; i++) {
                moved = Math.max(moved, Math.abs(b.data()[i] - a.data()[i]));
            }
            assertThat(moved).as("BOS logit x 1.5 changes the third sample").isGreaterThan(1e-3);
            Condition wrong = plain.withKeyLogits(KeyLogits.identity(31));
            assertThatThrownBy(() -> m.predict(x, 501, new Condition[] {plain, plain, wrong}, b))
                    .hasMessageContaining("31 keys").hasMessageContaining("32");
        }
    }

    @Test
    void aGraphWithoutTheInputsRefusesControlledConditions() {
        try (OnnxDenoiser tiny = TinyModel.open(2)) {
            assertThat(tiny.attentionKeyControl()).isEmpty();
            Condition c = tiny.condition("a cat").withKeyLogits(KeyLogits.identity(tiny.tokenizer().maxLength()));
            TensorF32 x = DdimSampler.initialNoise(tiny.channels(), tiny.height(), tiny.width(), new long[] {1});
            assertThatThrownBy(() -> tiny.predict(x, 10, new Condition[] {c}, TensorF32.zeros(x.shape())))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("has no inputs attn_key_scale / attn_key_bias")
                    .hasMessageContaining("a cat")
                    .hasMessageNotContaining("\n");
            TensorF32 ok = TensorF32.zeros(x.shape());
            tiny.predict(x, 10, new Condition[] {tiny.condition("a cat")}, ok);   // uncontrolled: runs as before
        }
    }
}
