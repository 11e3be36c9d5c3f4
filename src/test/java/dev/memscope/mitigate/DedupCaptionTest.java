package dev.memscope.mitigate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memscope.kernels.cpu.VectorGemm;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * AMG's deduplication caption: the most frequent caption among the nearest training images, if frequent enough,
 * under the authors' rule (k = 1,000 capped at N, count >= 21, no fallback) and MemScope's (k = 10, count >= 3,
 * else the nearest caption).
 */
class DedupCaptionTest {
    // x = (1, 0, 0, 0); image 0 is x itself ("b"), images 1-3 are near it ("a", a duplicated item's caption),
    // image 4 is orthogonal ("c")
    private final float[] images = {
        1, 0, 0, 0,
        1, 0.1f, 0, 0,
        1, 0, 0.1f, 0,
        1, 0, 0, 0.1f,
        0, 1, 0, 0,
    };
    private final TrainingSimilarity sim = new TrainingSimilarity(
            new TrainingImages(images, 4, List.of("b", "a", "a", "a", "c")), new VectorGemm(1));
    private final float[] x = {0, 0, 0, 0, 1, 0, 0, 0};   // row 1 of a batch of two

    @Test
    void theMostFrequentNeighbourCaptionWinsWhenItOccursOftenEnough() {
        assertThat(sim.dedupCaption(x, 4, 0, new DedupRule(10, 3, true))).contains("a");
        assertThat(sim.dedupCaption(x, 4, 0, new DedupRule(4, 3, true))).contains("a");
        assertThat(sim.dedupCaption(x, 4, 0, DedupRule.memscope())).contains("a");
    }

    @Test
    void otherwiseTheNearestImagesCaptionIsUsedWhenTheRuleFallsBack() {
        assertThat(sim.dedupCaption(x, 4, 0, new DedupRule(10, 4, true))).as("a occurs 3 < 4 times").contains("b");
        assertThat(sim.dedupCaption(x, 4, 0, new DedupRule(2, 3, true))).as("only 2 neighbours looked at")
                .contains("b");
        assertThat(sim.dedupCaption(x, 4, 0, new DedupRule(10, 4, false))).as("no fallback").isEmpty();
        int[] near = new int[2];
        double[] sigma = new double[2];
        sim.nearest(x, 2, sigma, near);
        assertThat(near[1]).isEqualTo(0);
    }

    /**
     * Training images at strictly decreasing cosine to x = (1, 0, 0, 0) in the order of {@code byRank}: rank r is
     * (1, 0.01 (r + 1), 0, 0), so its cosine is 1 / sqrt(1 + (0.01 (r + 1))^2).
     */
    private static TrainingSimilarity ranked(List<String> byRank) {
        float[] m = new float[4 * byRank.size()];
        for (int r = 0; r < byRank.size(); r++) {
            m[4 * r] = 1;
            m[4 * r + 1] = 0.01f * (r + 1);
        }
        return new TrainingSimilarity(new TrainingImages(m, 4, byRank), new VectorGemm(1));
    }

    private static final float[] X = {1, 0, 0, 0};

    /** {@code n} unique captions with {@code dup} copies of "dup" at ranks {@code from .. from + dup - 1}. */
    private static List<String> withCluster(int n, int from, int dup) {
        List<String> c = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            c.add(r >= from && r < from + dup ? "dup" : "u" + r);
        }
        return c;
    }

    @Test
    void authorsRuleTakesACaptionSeen21TimesAndNoneAt20() {
        TrainingSimilarity s21 = ranked(withCluster(200, 10, 21));
        assertThat(s21.dedupCaption(X, 0, 0, DedupRule.authors())).contains("dup");
        TrainingSimilarity s20 = ranked(withCluster(200, 10, 20));
        assertThat(s20.dedupCaption(X, 0, 0, DedupRule.authors())).as("20 <= 20: no deduplication").isEmpty();
        // MemScope's rule: "dup" is not among the 10 nearest (ranks 10..29), so the nearest caption
        assertThat(s20.dedupCaption(X, 0, 0, DedupRule.memscope())).contains("u0");
        assertThat(ranked(withCluster(200, 3, 20)).dedupCaption(X, 0, 0, DedupRule.memscope())).contains("dup");
    }

    /** k = 1,000 exactly: 21 copies at ranks 979..999 count, at ranks 980..1000 only 20 of them do. */
    @Test
    void authorsRuleLooksAtTheThousandNearest() {
        assertThat(ranked(withCluster(1100, 979, 21)).dedupCaption(X, 0, 0, DedupRule.authors())).contains("dup");
        assertThat(ranked(withCluster(1100, 980, 21)).dedupCaption(X, 0, 0, DedupRule.authors())).isEmpty();
    }

    /** A training set smaller than k: every image is a neighbour (k = min(1000, N)). */
    @Test
    void kIsCappedAtTheTrainingSetsSize() {
        assertThat(DedupRule.authors().neighboursFor(30)).isEqualTo(30);
        assertThat(DedupRule.authors().neighboursFor(7600)).isEqualTo(1000);
        // the cluster sits at the far end of a 30-image set: found only because all 30 are searched
        assertThat(ranked(withCluster(30, 9, 21)).dedupCaption(X, 0, 0, DedupRule.authors())).contains("dup");
        assertThat(ranked(withCluster(30, 10, 20)).dedupCaption(X, 0, 0, DedupRule.authors())).isEmpty();
    }

    /**
     * Ties: among equally frequent captions the one met first, nearest first, wins (Counter.most_common's order);
     * images at the same cosine keep their training order.
     */
    @Test
    void tiesGoToTheCaptionOfTheNearerImage() {
        DedupRule two = new DedupRule(4, 2, false);
        assertThat(ranked(List.of("p", "q", "q", "p", "q")).dedupCaption(X, 0, 0, two)).contains("p");
        assertThat(ranked(List.of("q", "p", "p", "q", "p")).dedupCaption(X, 0, 0, two)).contains("q");
        // two identical images: the lower training index is the nearer one
        float[] same = {1, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0};
        TrainingSimilarity tie = new TrainingSimilarity(new TrainingImages(same, 4, List.of("first", "second",
                "far")), new VectorGemm(1));
        assertThat(tie.dedupCaption(X, 0, 0, new DedupRule(1, 1, false))).contains("first");
        assertThat(tie.dedupCaption(X, 0, 0, new DedupRule(2, 1, false))).contains("first");
        assertThat(tie.dedupCaption(X, 0, 0, new DedupRule(3, 2, false))).isEqualTo(Optional.empty());
    }

    /**
     * The authors' rule counts every copy, as LAION's index holds each: one unique image seen 21 times fills 21
     * neighbours; the unique-image rule of the same k and count sees it once.
     */
    @Test
    void authorsRuleCountsEveryCopyOfADuplicatedImage() {
        assertThat(withCopies(21, List.of("dup")).dedupCaption(X, 0, 0, DedupRule.authors())).contains("dup");
        assertThat(withCopies(20, List.of("dup")).dedupCaption(X, 0, 0, DedupRule.authors())).isEmpty();
        assertThat(withCopies(21, List.of("dup")).dedupCaption(X, 0, 0, new DedupRule(1000, 21, false)))
                .as("unique images: the 21 copies are one neighbour").isEmpty();
    }

    /** Copies cycle through an item's captions as in training: 62 copies of 3 captions are 21, 21 and 20. */
    @Test
    void copiesCycleThroughTheItemsCaptions() {
        assertThat(withCopies(62, List.of("p", "q", "r")).dedupCaption(X, 0, 0, DedupRule.authors()))
                .as("p and q 21 each: the first met wins").contains("p");
        assertThat(withCopies(60, List.of("p", "q", "r")).dedupCaption(X, 0, 0, DedupRule.authors()))
                .as("20 each").isEmpty();
    }

    /** k counts copies: a nearer image's 990 copies leave room for only 10 of the duplicated one's. */
    @Test
    void copiesUseUpTheThousandNeighbours() {
        float[] m = {1, 0.01f, 0, 0, 1, 0.02f, 0, 0};
        TrainingImages t = new TrainingImages(m, 4, List.of("near", "dup"), new int[] {990, 300},
                List.of(List.of("near"), List.of("dup")));
        assertThat(new TrainingSimilarity(t, new VectorGemm(1)).dedupCaption(X, 0, 0, DedupRule.authors()))
                .contains("near");
        TrainingImages fewer = new TrainingImages(m, 4, List.of("near", "dup"), new int[] {20, 300},
                List.of(List.of("near"), List.of("dup")));
        assertThat(new TrainingSimilarity(fewer, new VectorGemm(1)).dedupCaption(X, 0, 0, DedupRule.authors()))
                .as("20 of near, then 300 of dup").contains("dup");
    }

    /** One image (x itself) with {@code copies} copies cycling through {@code cycle}, plus one far image. */
    private static TrainingSimilarity withCopies(int copies, List<String> cycle) {
        float[] m = {1, 0, 0, 0, 0, 1, 0, 0};
        return new TrainingSimilarity(new TrainingImages(m, 4, List.of(cycle.get(0), "far"), new int[] {copies, 1},
                List.of(cycle, List.of("far"))), new VectorGemm(1));
    }
}
