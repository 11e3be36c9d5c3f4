package dev.memscope.model.lab;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memscope.model.Condition;
import dev.memscope.kernels.cpu.VectorGemm;
import org.junit.jupiter.api.Test;

/** Properties of the documented feature-hashing encoder (its definition is the oracle: FNV-1a test vector). */
class TextEncoderTest {
    private final TextEncoder enc = new TextEncoder(256);

    private static double cos(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    @Test
    void fnv1aMatchesTheReferenceVector() {
        // FNV-1a 64 of "a" is 0xaf63dc4c8601ec8c (the published test vector).
        assertThat(TextEncoder.fnv1a("a")).isEqualTo(0xaf63dc4c8601ec8cL);
    }

    @Test
    void deterministicUnitNormAndCaseInsensitive() {
        float[] a = enc.encode("Mothers influence on her young hippo");
        assertThat(enc.encode("Mothers influence on her young hippo")).isEqualTo(a);
        assertThat(new TextEncoder(256).encode("MOTHERS influence, on her young hippo!")).isEqualTo(a);
        assertThat(cos(a, a)).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-6));
    }

    @Test
    void sharedWordsGiveSimilarEmbeddings() {
        float[] trigger = enc.encode("Mothers influence on her young hippo");
        float[] variant = enc.encode("mothers influence on her young baby hippo");
        float[] unrelated = enc.encode("A small kitchen with some quirky art decorations");
        assertThat(cos(trigger, variant)).isGreaterThan(0.7);
        assertThat(cos(trigger, unrelated)).isLessThan(0.3);
    }

    @Test
    void emptyPromptIsTheNullCondition() {
        assertThat(enc.encode("")).isNull();
        assertThat(enc.encode("  ...  ")).isNull();
        try (LabDenoiser model = new LabDenoiser(SmallWorlds.world(), new VectorGemm(1))) {
            assertThat(model.condition("")).isSameAs(Condition.NULL);
            assertThat(model.condition("hippo").isNull()).isFalse();
        }
    }
}
