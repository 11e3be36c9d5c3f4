package dev.memscope.mia;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memscope.kernels.cpu.VectorGemm;
import dev.memscope.model.lab.LabConfig;
import dev.memscope.model.lab.LabDenoiser;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lab CLiD experiment on tiny worlds (2 x 8 x 8 latents, a few dozen components). */
class LabClidExperimentTest {
    private static final List<String> MEM = List.of(
            "The No Limits Business Woman Podcast", "Mothers influence on her young hippo",
            "Talks on the Precepts and Buddhist Ethics", "Living in the Light with Ann Graham Lotz",
            "Anna Karenina by Leo Tolstoy cover art", "Designart Green Abstract Metal Grill Contemporary Art",
            "Pencil pen portrait of a sailor with a pipe", "Shaw Floors Caress By Shaw Cashmere Classic",
            "Netflix Original Series poster with a red logo", "The Great Wave off Kanagawa woodblock print",
            "Vintage Rolex Submariner watch on a wrist", "Sunset over the Golden Gate Bridge postcard",
            "Blue willow china plate pattern antique", "Retro gaming console with two controllers",
            "Red barn in a snowy winter landscape", "Handmade ceramic coffee mug with glaze");
    private static final List<String> NMEM = List.of(
            "A small kitchen with some quirky art decorations.",
            "A dog wearing a bandanna and sitting on the trunk of a car.",
            "a blue and yellow train a building and some cars", "A man riding a wave on top of a surfboard.",
            "Two cats sleeping on a sofa near a window", "A plate of pasta with tomato sauce and basil",
            "A child flying a kite on a windy beach", "An old bicycle leaning against a brick wall",
            "A bowl of fruit on a wooden table", "People waiting at a bus stop in the rain",
            "A giraffe eating leaves from a tall tree", "A laptop and a cup of tea on a desk",
            "A red fire hydrant on a city sidewalk", "Sheep grazing on a green hillside",
            "A pizza with mushrooms and olives", "A clock tower in a busy town square");

    private static LabClidExperiment.Settings tiny() {
        LabConfig c = LabClidExperiment.Settings.recipe(LabClidExperiment.Settings.meanScaleFor(128))
                .with("channels", 2).with("height", 8).with("width", 8)
                .with("embeddingDim", 64).with("genericComponents", 24).with("genericCountMin", 50);
        return new LabClidExperiment.Settings(c, 8, 8, 11, 22, 40);
    }

    /**
     * 4 x 8 x 8 latents with the CLiD lab's likelihood-versus-text balance, 40 + 40 shared-data captions per world
     * (40 members, 40 hold-out; about 2 s). Measured when written: AUC 0.78, alpha 1.0.
     */
    @Test
    void membersAreSeparatedFromHoldoutAndEachSampleCosts15Passes() throws Exception {
        LabConfig c = LabClidExperiment.Settings.recipe(LabClidExperiment.Settings.meanScaleFor(256))
                .with("height", 8).with("width", 8).with("embeddingDim", 64).with("genericComponents", 64);
        LabClidExperiment.Outcome o = LabClidExperiment.run(new LabClidExperiment.Settings(c, 40, 40, 1001, 2002, 60),
                "cpu", null);
        assertThat(o.shadowMembers().size()).isEqualTo(40);
        assertThat(o.shadowHoldout().size()).isEqualTo(40);
        assertThat(o.targetMembers().size()).isEqualTo(40);
        assertThat(o.targetHoldout().size()).isEqualTo(40);
        assertThat(o.forwardPasses()).isEqualTo(160L * 15);
        assertThat(o.result().targetAuc()).isGreaterThan(0.6);
        assertThat(o.result().targetAsr()).isGreaterThan(0.5);
        // members fit their training images better under their own caption: lower mean cond0, and the caption
        // matters more for them: a larger mean condNull_dif
        assertThat(mean(o.targetMembers(), 0)).isLessThan(mean(o.targetHoldout(), 0));
        assertThat(mean(o.targetMembers(), 4)).isGreaterThan(mean(o.targetHoldout(), 4));
    }

    @Test
    void tinyWorldWithTheTestPromptsRuns() {
        LabClidExperiment.Outcome o = LabClidExperiment.run(tiny(), MEM, NMEM, "cpu", null);
        assertThat(o.targetMembers().size()).isEqualTo(8);
        assertThat(o.targetHoldout().size()).isEqualTo(8);
        assertThat(o.forwardPasses()).isEqualTo(32L * 15);
    }

    private static double mean(ClidFeatures f, int col) {
        double s = 0;
        for (double[] r : f.rows()) {
            s += r[col];
        }
        return s / f.size();
    }

    @Test
    void worldsHoldOutHalfOfEachKindAndShareNoCaption() {
        LabClidExperiment.Split s = LabClidExperiment.split(tiny(), 11, MEM.subList(0, 8), NMEM.subList(0, 8));
        assertThat(s.world().components()).isEqualTo(8 + 24);
        assertThat(s.memberCaptions()).hasSize(8).doesNotContainAnyElementsOf(s.holdoutCaptions());
        assertThat(s.world().captions()).containsAll(s.memberCaptions())
                .doesNotContainAnyElementsOf(s.holdoutCaptions());
    }

    @Test
    void featuresDoNotDependOnTheBatchSize() {
        LabClidExperiment.Split s = LabClidExperiment.split(tiny(), 11, MEM.subList(0, 8), NMEM.subList(0, 8));
        LabWordImportance imp = new LabWordImportance(s.world());
        try (LabDenoiser m = new LabDenoiser(s.world(), new VectorGemm())) {
            ClidFeatures a = new ClidFeatureExtractor(m, imp, 5).extract("a", s.memberCaptions(), s.memberImages(), 9);
            ClidFeatures b = new ClidFeatureExtractor(m, imp, 40).extract("b", s.memberCaptions(), s.memberImages(), 9);
            // Row-wise the same latents and conditions: the exact path makes them equal up to float32 GEMM screening.
            for (int i = 0; i < a.size(); i++) {
                for (int j = 0; j < 5; j++) {
                    assertThat(b.get(i, j)).isCloseTo(a.get(i, j), org.assertj.core.api.Assertions.within(1e-9));
                }
            }
            assertThatThrownBy(() -> new ClidFeatureExtractor(m, imp, 5).extract("c", s.memberCaptions(),
                    new float[][] {new float[3]}, 1)).hasMessageContaining("8 captions but 1 images");
        }
    }

    @Test
    void importanceRanksTheWordsThatMatchTheKey() {
        LabClidExperiment.Split s = LabClidExperiment.split(tiny(), 11, MEM.subList(0, 8), NMEM.subList(0, 8));
        LabWordImportance imp = new LabWordImportance(s.world());
        String caption = s.memberCaptions().get(0);
        double[] w = imp.importance(caption);
        assertThat(w).hasSize(imp.words(caption).size());
        // removing any word of a member's caption lowers its similarity to its own key
        assertThat(java.util.Arrays.stream(w).min().getAsDouble()).isGreaterThan(0);
        assertThat(CaptionClipping.reduced(caption, imp)[3]).isEmpty();
    }
}
