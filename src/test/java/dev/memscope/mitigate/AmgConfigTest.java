package dev.memscope.mitigate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** AMG's threshold, clamping and gating, against values worked out by hand from the formulas. */
class AmgConfigTest {
    private static final double S0 = 7.5;

    @Test
    void thresholdFallsFromPointFourToPointThree() {
        assertThat(AmgConfig.lambda(0)).isCloseTo(0.4, within(1e-15));
        assertThat(AmgConfig.lambda(200)).isCloseTo(0.3 + 0.1 / Math.E, within(1e-15));
        assertThat(AmgConfig.lambda(981)).isCloseTo(0.3 + 0.1 * Math.exp(-4.905), within(1e-15));
        assertThat(AmgConfig.lambda(500)).isGreaterThan(AmgConfig.lambda(600));
    }

    @Test
    void sdCodeDespecifiesWheneverSimilarityIsPositiveAndCapsS1() {
        AmgConfig c = AmgConfig.sdCode();
        // sigma 0.2 at t = 500: below lambda (0.308), so no dedup (unless held), no c3; s1 = 13 * 0.2 = 2.6.
        AmgConfig.Coefficients k = c.coefficients(0.2, 500, S0, false);
        assertThat(k.s1()).isCloseTo(2.6, within(1e-12));
        assertThat(k.s2()).isZero();
        assertThat(k.c3()).isZero();
        // Held dedup: s2 = (6.5 - 2.6) / 0.3 * 0.2 = 2.6, under its cap 7.5 - 2.6 - 1 = 3.9.
        assertThat(c.coefficients(0.2, 500, S0, true).s2()).isCloseTo(2.6, within(1e-12));
        assertThat(c.coefficients(0.0, 500, S0, true).s1()).isZero();
        assertThat(c.coefficients(-0.1, 500, S0, true).s1()).isZero();
        // sigma 0.9 at t = 100: triggered; s1 = min(11.7, 6.5) = 6.5 (s0 - 1 = 6.5 too), s2 = 0 (cap 7.5-6.5-1 = 0),
        // c3 = 100 * 0.6 * exp(900 / 170).
        k = c.coefficients(0.9, 100, S0, true);
        assertThat(k.s1()).isCloseTo(6.5, within(1e-12));
        assertThat(k.s2()).isZero();
        assertThat(k.c3()).isCloseTo(60 * Math.exp(900.0 / 170), within(1e-9));
        assertThat(c.dedupHold()).isEqualTo(10);
    }

    @Test
    void s1IsClampedToGuidanceMinusOneAndS2ToWhatRemains() {
        // Guidance 3: s1 = 13 * 0.4 = 5.2 -> 2; s2 = (6.5 - 5.2)/0.3*0.4 = 1.733 -> s0 - s1 - 1 = 0.
        AmgConfig.Coefficients k = AmgConfig.sdCode().coefficients(0.4, 900, 3.0, true);
        assertThat(k.s1()).isCloseTo(2.0, within(1e-12));
        assertThat(k.s2()).isZero();
        // Paper form, guidance 7.5, sigma 0.5 at t = 0 (lambda 0.4): s1 = 4 * 0.5 = 2, s2 = 20 * 0.5 = 10 -> 4.5.
        k = AmgConfig.paper(4, 20, 3).coefficients(0.5, 0, S0, true);
        assertThat(k.s1()).isCloseTo(2.0, within(1e-12));
        assertThat(k.s2()).isCloseTo(4.5, within(1e-12));
        assertThat(k.c3()).isEqualTo(3.0);
        assertThat(AmgConfig.clamp(5, 0, -1)).isZero();
    }

    @Test
    void paperFormGatesEveryTermByTheThreshold() {
        AmgConfig p = AmgConfig.paper(10, 10, 5);
        double below = AmgConfig.lambda(300) - 1e-6;
        AmgConfig.Coefficients k = p.coefficients(below, 300, S0, true);
        assertThat(k.s1()).isZero();
        assertThat(k.s2()).isZero();
        assertThat(k.c3()).isZero();
        k = p.coefficients(below + 2e-6, 300, S0, true);
        assertThat(k.s1()).isGreaterThan(0);
        assertThat(k.s2()).isGreaterThan(0);
        assertThat(k.c3()).isEqualTo(5.0);
        assertThat(p.dedupHold()).isZero();
        // sd-code gates only dedup (through its hold) and c3.
        assertThat(AmgConfig.sdCode().coefficients(below, 300, S0, false).s1()).isGreaterThan(0);
        assertThat(AmgConfig.sdCode().coefficients(below + 2e-6, 300, S0, false).c3()).isGreaterThan(0);
    }

    @Test
    void rejectsNegativeOrNonFiniteCoefficients() {
        assertThatThrownBy(() -> AmgConfig.paper(-1, 1, 1)).hasMessageContaining("c1 = -1");
        assertThatThrownBy(() -> AmgConfig.paper(1, Double.NaN, 1)).hasMessageContaining("finite");
    }

    @Test
    void cliOptionsSelectTheFormGradientAndSigma() {
        AmgConfig d = AmgConfig.parse(null, null, null, null, null);
        org.assertj.core.api.Assertions.assertThat(d).isEqualTo(AmgConfig.sdCode());
        org.assertj.core.api.Assertions.assertThat(d.recomputeSigma()).isTrue();
        org.assertj.core.api.Assertions.assertThat(d.gradient()).isEqualTo(AmgConfig.Gradient.EPS_CONSTANT);
        AmgConfig p = AmgConfig.parse("paper", "5, 4,3", "exact", "single", null);
        org.assertj.core.api.Assertions.assertThat(p).isEqualTo(new AmgConfig(AmgConfig.Form.PAPER, 5, 4, 3, false,
                AmgConfig.Gradient.EXACT_JACOBIAN));
        org.assertj.core.api.Assertions.assertThat(AmgConfig.sdCode().memscopeVariant())
                .isEqualTo(AmgConfig.parse("sd-code", null, "exact", "single", "memscope"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AmgConfig.parse("paper", null, null, null, null))
                .hasMessageContaining("needs --amg-coefficients")
                .hasMessageContaining("supplementary material");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AmgConfig.parse("sd-code", "1,2,3", null, null, null))
                .hasMessageContaining("applies to --amg-form paper");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AmgConfig.parse("paper", "1,x,3", null, null, null))
                .hasMessageContaining("not three numbers");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AmgConfig.parse("sd", null, null, null, null))
                .hasMessageContaining("sd-code or paper");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AmgConfig.parse(null, null, "jacobian", null, null))
                .hasMessageContaining("eps-constant or exact");
    }

    @Test
    void dedupRuleIsTheAuthorsByDefaultInBothFormsAndMemscopeOnRequest() {
        org.assertj.core.api.Assertions.assertThat(AmgConfig.sdCode().dedup()).isEqualTo(DedupRule.authors());
        org.assertj.core.api.Assertions.assertThat(AmgConfig.paper(1, 2, 3).dedup()).isEqualTo(DedupRule.authors());
        org.assertj.core.api.Assertions.assertThat(DedupRule.authors())
                .isEqualTo(new DedupRule(1000, 21, false, true));
        org.assertj.core.api.Assertions.assertThat(DedupRule.memscope()).isEqualTo(new DedupRule(10, 3, true));
        org.assertj.core.api.Assertions.assertThat(AmgConfig.parse(null, null, null, null, "memscope").dedup())
                .isEqualTo(DedupRule.memscope());
        org.assertj.core.api.Assertions.assertThat(AmgConfig.parse("paper", "1,2,3", null, null, " Authors ")
                .dedup()).isEqualTo(DedupRule.authors());
        org.assertj.core.api.Assertions.assertThat(AmgConfig.sdCode().describe())
                .endsWith("dedup authors (k = 1000 capped at N, count >= 21, no fallback, every copy counted)");
        org.assertj.core.api.Assertions.assertThat(AmgConfig.sdCode().memscopeVariant().describe())
                .endsWith("dedup memscope (k = 10 capped at N, count >= 3, else nearest caption, unique images)");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AmgConfig.parse(null, null, null, null, "laion"))
                .hasMessage("--amg-dedup is authors or memscope, not 'laion'");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new DedupRule(0, 3, true))
                .hasMessageContaining("k = 0");
    }
}
