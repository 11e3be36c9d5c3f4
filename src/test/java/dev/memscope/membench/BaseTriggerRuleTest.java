package dev.memscope.membench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Base triggers per group: fixed, or max(2, round(sqrt(n))), never more than the group holds. */
class BaseTriggerRuleTest {
    @Test
    void sqrtRuleGrowsWithTheGroup() {
        BaseTriggerRule r = BaseTriggerRule.parse("sqrt");
        assertThat(r.count(1)).isEqualTo(1);
        assertThat(r.count(2)).isEqualTo(2);
        assertThat(r.count(13)).isEqualTo(4);
        assertThat(r.count(791)).isEqualTo(28);
        assertThat(BaseTriggerRule.parse(" 3 ").count(2)).isEqualTo(2);
        assertThat(BaseTriggerRule.parse("3").count(100)).isEqualTo(3);
    }

    @Test
    void badRulesAreNamed() {
        assertThatThrownBy(() -> BaseTriggerRule.parse("many")).hasMessageContaining("--base-triggers")
                .hasMessageContaining("'many'");
        assertThatThrownBy(() -> BaseTriggerRule.parse("0")).hasMessageContaining(">= 1");
    }
}
