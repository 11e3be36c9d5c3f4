package dev.memscope.triggers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memscope.copy.CopyJudge;
import dev.memscope.diffusion.NoiseSchedule;
import dev.memscope.kernels.Backends;
import dev.memscope.kernels.ScoreKernels;
import dev.memscope.model.Condition;
import dev.memscope.model.Denoiser;
import dev.memscope.model.PredictionType;
import dev.memscope.progress.Progress;
import dev.memscope.source.TestbedImages;
import dev.memscope.tensor.TensorF32;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The variant filter on a tiny fake testbed: three 2x2 RGB training images (item 7, item 8, a concept image) and a
 * denoiser whose DDIM samples land exactly on an image its prompt picks. The filter must keep only variants that
 * copy their own item's image, by the labels' rule.
 */
class VariantCopyFilterTest {
    static final double TAU = 0.355;
    static final float[] ITEM7 = pattern(1, -1, 1, -1);
    static final float[] ITEM8 = pattern(1, 1, -1, -1);
    static final float[] CONCEPT = pattern(1, -1, -1, 1);
    /** Half-way between item 7 and item 8: nearest is one of them, but not within TAU (0.72 from each). */
    static final float[] BLOB = pattern(1, 0, 0, -1);

    static float[] pattern(float a, float b, float c, float d) {
        float[] x = new float[12];
        for (int ch = 0; ch < 3; ch++) {
            x[ch * 4] = a;
            x[ch * 4 + 1] = b;
            x[ch * 4 + 2] = c;
            x[ch * 4 + 3] = d;
        }
        return x;
    }

    static CopyJudge judge() {
        float[] training = new float[36];
        System.arraycopy(ITEM7, 0, training, 0, 12);
        System.arraycopy(ITEM8, 0, training, 12, 12);
        System.arraycopy(CONCEPT, 0, training, 24, 12);
        TestbedImages images = new TestbedImages(training, List.of("old item seven", "old item eight", "a concept"),
                new int[] {7, 8, -1}, ITEM7.clone(), new int[] {9}, List.of("held"), 2, new int[] {1, 1, 1},
                List.of(List.of("old item seven"), List.of("old item eight"), List.of("a concept")));
        return CopyJudge.of(images, TAU);
    }

    /**
     * eps that makes x0 = the target its prompt names ("seven", "eight", else the blob); unconditional: zeros.
     * {@code swapped} is another model over the same prompts: item prompts draw the blob, the others item seven.
     */
    static final class TargetDenoiser implements Denoiser {
        private final boolean swapped;

        TargetDenoiser() {
            this(false);
        }

        TargetDenoiser(boolean swapped) {
            this.swapped = swapped;
        }

        @Override
        public PredictionType predictionType() {
            return PredictionType.EPSILON;
        }

        @Override
        public int channels() {
            return 3;
        }

        @Override
        public int height() {
            return 2;
        }

        @Override
        public int width() {
            return 2;
        }

        @Override
        public Condition condition(String prompt) {
            float id = prompt.contains("seven") ? 7 : prompt.contains("eight") ? 8 : 0;
            if (swapped && !prompt.isEmpty()) {
                id = id == 0 ? 7 : 0;
            }
            return Condition.of(new float[] {id}, prompt);
        }

        @Override
        public void predict(TensorF32 xt, int t, Condition[] cs, TensorF32 out) {
            double abar = NoiseSchedule.stableDiffusion().alphabar(t);
            for (int b = 0; b < cs.length; b++) {
                float[] target = cs[b].isNull() ? new float[12] : switch ((int) cs[b].embedding()[0]) {
                    case 7 -> ITEM7;
                    case 8 -> ITEM8;
                    default -> BLOB;
                };
                for (int i = 0; i < 12; i++) {
                    out.data()[b * 12 + i] = (float) ((xt.data()[b * 12 + i] - Math.sqrt(abar) * target[i])
                            / Math.sqrt(1 - abar));
                }
            }
        }
    }

    static VariantCopyFilter.Candidate candidate(String prompt, int item) {
        return new VariantCopyFilter.Candidate(new WordVariants.Variant(prompt, "old item seven",
                WordVariants.Edit.STYLE), item);
    }

    @Test
    void keepsOnlyVariantsThatCopyTheirOwnItemThroughTheSampler() {
        try (ScoreKernels k = Backends.create("cpu")) {
            // guidance 1: the sample is the conditional target exactly (the fake's unconditional branch is zero)
            VariantCopyFilter f = new VariantCopyFilter(new TargetDenoiser(), k, judge(), 4, 5, 1.0, 8);
            List<VariantCopyFilter.Outcome> out = f.run(List.of(candidate("new item seven", 7),
                    candidate("new item eight", 7), candidate("new blob", 7), candidate("seven again", 7)),
                    Progress.NONE);
            assertThat(out).extracting(o -> o.candidate().variant().prompt())
                    .containsExactly("new item seven", "new item eight", "new blob", "seven again");
            assertThat(out).extracting(VariantCopyFilter.Outcome::copies).containsExactly(4, 0, 0, 4);
            assertThat(out).extracting(VariantCopyFilter.Outcome::kept).containsExactly(true, false, false, true);
            assertThat(out.get(1).copyRate()).as("a copy of another item does not count").isZero();
            assertThat(out.get(0).generations()).isEqualTo(4);
        }
    }

    @Test
    void theLabelsRuleAtLeastHalfOfTheGenerationsCopyTheOwnItem() {
        try (ScoreKernels k = Backends.create("cpu")) {
            VariantCopyFilter f = new VariantCopyFilter(new TargetDenoiser(), k, judge(), 4, 5, 1.0, 8);
            VariantCopyFilter.Candidate c = candidate("v", 7);
            assertThat(f.judge(c, List.of(ITEM7, ITEM7, BLOB, ITEM8)).kept()).isTrue();
            assertThat(f.judge(c, List.of(ITEM7, BLOB, BLOB, ITEM8)).kept()).isFalse();
            assertThat(f.judge(c, List.of(ITEM7, CONCEPT, CONCEPT, CONCEPT)).copies()).isEqualTo(1);
            assertThat(f.judge(candidate("v", 8), List.of(ITEM7, ITEM7, ITEM7, ITEM7)).kept()).isFalse();
        }
        assertThat(CopyJudge.memorized(2, 4)).isTrue();
        assertThat(CopyJudge.memorized(1, 4)).isFalse();
        assertThat(CopyJudge.memorized(1, 2)).isTrue();
        assertThatThrownBy(() -> CopyJudge.memorized(5, 4)).hasMessageContaining("copies <= generations");
        assertThatThrownBy(() -> judge().copiesItem(ITEM7, -1)).hasMessageContaining("item id");
    }
}
