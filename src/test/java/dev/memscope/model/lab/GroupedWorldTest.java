package dev.memscope.model.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link LabWorld#buildGrouped}: the captions of one group are one image; ungrouped worlds are unchanged. */
class GroupedWorldTest {
    private static final LabConfig CFG = LabConfig.defaults().with("height", 4).with("width", 4)
            .with("genericComponents", 3).with("embeddingDim", 16);

    @Test
    void componentsOfAGroupShareOneMean() {
        LabWorld w = LabWorld.buildGrouped(CFG, List.of(List.of("a b", "a c", "a d"), List.of("x y")),
                List.of("n1", "n2"));
        assertThat(w.components()).isEqualTo(4 + 2 + 3);
        assertThat(w.mean(1)).containsExactly(w.mean(0));
        assertThat(w.mean(2)).containsExactly(w.mean(0));
        assertThat(w.mean(3)).isNotEqualTo(w.mean(0));
        assertThat(w.mean(4)).isNotEqualTo(w.mean(3));
        assertThat(w.indicesOf(LabWorld.Kind.MEMORIZED)).containsExactly(0, 1, 2, 3);
        // Keys and counts stay per caption.
        assertThat(w.emb()[0]).isNotEqualTo(w.emb()[16]);
        assertThatThrownBy(() -> LabWorld.buildGrouped(CFG, List.of(List.of()), List.of("n")))
                .hasMessageContaining("group 0");
    }

    @Test
    void singletonGroupsBuildTheUngroupedWorld() {
        LabWorld grouped = LabWorld.buildGrouped(CFG, List.of(List.of("a b"), List.of("x y")), List.of("n1"));
        LabWorld plain = LabWorld.build(CFG, List.of("a b", "x y"), List.of("n1"));
        assertThat(grouped.mu()).containsExactly(plain.mu());
        assertThat(grouped.emb()).containsExactly(plain.emb());
        assertThat(grouped.counts()).containsExactly(plain.counts());
    }
}
