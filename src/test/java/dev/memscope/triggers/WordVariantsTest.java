package dev.memscope.triggers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memscope.source.TestbedCaptions;
import dev.memscope.source.CaptionLabel;
import dev.memscope.source.ModelSources;
import dev.memscope.source.ModelSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The testbed's word-level trigger variants: what each edit does, determinism, and the exclusions. */
class WordVariantsTest {
    static final Path TESTBED = Path.of("models", "testbed");
    static final List<String> TITLES = List.of("vintage crossed swords magnet", "cosmic crossed swords card",
            "cute red apple mug", "neon rocket mug");

    private static WordVariants words(Set<String> excluded) {
        return WordVariants.fromTitles(TITLES, excluded);
    }

    @Test
    void vocabulariesComeFromTheTitlesSlots() {
        WordVariants w = words(Set.of());
        assertThat(w.styles()).containsExactly("vintage", "cosmic", "cute", "neon");
        assertThat(w.products()).containsExactly("magnet", "card", "mug");
        assertThat(w.nameWords()).containsExactly("crossed", "swords", "red", "apple", "rocket");
    }

    @Test
    void everyEditIsOneWordLevelStep() {
        String src = "vintage crossed swords magnet";
        List<String> s = WordVariants.words(src);
        Map<WordVariants.Edit, List<WordVariants.Variant>> all = words(Set.of()).all(src);
        assertThat(all.get(WordVariants.Edit.STYLE)).extracting(WordVariants.Variant::prompt)
                .containsExactly("cosmic crossed swords magnet", "cute crossed swords magnet",
                        "neon crossed swords magnet");
        assertThat(all.get(WordVariants.Edit.PRODUCT)).extracting(WordVariants.Variant::prompt)
                .containsExactly("vintage crossed swords card", "vintage crossed swords mug");
        assertThat(all.get(WordVariants.Edit.DROP)).extracting(WordVariants.Variant::prompt)
                .containsExactly("crossed swords magnet", "vintage swords magnet", "vintage crossed magnet",
                        "vintage crossed swords");
        assertThat(all.get(WordVariants.Edit.SWAP)).extracting(WordVariants.Variant::prompt)
                .containsExactly("crossed vintage swords magnet", "vintage swords crossed magnet",
                        "vintage crossed magnet swords");
        // 2 name slots x 5 name words, less the 2 that give the source back
        assertThat(all.get(WordVariants.Edit.NAME_WORD)).hasSize(2 * 5 - 2);
        for (List<WordVariants.Variant> vs : all.values()) {
            for (WordVariants.Variant v : vs) {
                List<String> w = WordVariants.words(v.prompt());
                int dist = TriggerAugmenter.editDistance(s, w);
                assertThat(v.source()).isEqualTo(src);
                if (v.edit() == WordVariants.Edit.SWAP) {
                    assertThat(dist).as(v.prompt()).isEqualTo(2);
                    assertThat(new ArrayList<>(w)).containsExactlyInAnyOrderElementsOf(s);
                } else {
                    assertThat(dist).as(v.prompt()).isEqualTo(1);
                }
                if (v.edit() == WordVariants.Edit.NAME_WORD) {
                    assertThat(w.get(0)).isEqualTo("vintage");
                    assertThat(w.get(3)).isEqualTo("magnet");
                }
            }
        }
    }

    @Test
    void drawsAreDeterministicForASeedAndSpreadOverTheEdits() {
        WordVariants w = words(Set.of());
        String src = "vintage crossed swords magnet";
        List<WordVariants.Variant> a = w.draw(src, 5, 7);
        assertThat(w.draw(src, 5, 7)).isEqualTo(a);
        assertThat(a).hasSize(5);
        assertThat(a.stream().map(WordVariants.Variant::edit).toList())
                .as("five draws visit every edit once").containsExactlyInAnyOrder(WordVariants.Edit.values());
        Set<List<WordVariants.Variant>> bySeed = new HashSet<>();
        for (long seed = 0; seed < 10; seed++) {
            bySeed.add(w.draw(src, 3, seed));
        }
        assertThat(bySeed).as("other seeds draw other variants").hasSizeGreaterThan(1);
        // more than exist: every candidate once
        int total = w.all(src).values().stream().mapToInt(List::size).sum();
        assertThat(w.draw(src, 1000, 0)).hasSize(total).doesNotHaveDuplicates();
    }

    @Test
    void neverTheSourceOrAnExcludedCaption() {
        Set<String> excluded = Set.of("cosmic crossed swords magnet", "vintage crossed swords card");
        Map<WordVariants.Edit, List<WordVariants.Variant>> all = words(excluded).all("vintage crossed swords magnet");
        Set<String> prompts = new HashSet<>();
        all.values().forEach(vs -> vs.forEach(v -> prompts.add(v.prompt())));
        assertThat(prompts).doesNotContainAnyElementsOf(excluded).doesNotContain("vintage crossed swords magnet");
        assertThat(all.get(WordVariants.Edit.STYLE)).extracting(WordVariants.Variant::prompt)
                .containsExactly("cute crossed swords magnet", "neon crossed swords magnet");
        assertThatThrownBy(() -> words(Set.of()).all("a red apple on a blue background"))
                .hasMessageContaining("not a title");
    }

    @Test
    void onTheTestbedNoVariantIsATrainingOrLabelledCaption() throws Exception {
        TestbedCaptions captions = TestbedCaptions.read(TESTBED.resolve("images"));
        Map<String, CaptionLabel> labels;
        try (var source = ModelSources.open(ModelSpec.parse("testbed:" + TESTBED), null, "cpu", "cpu")) {
            labels = source.labels();
        }
        assertThat(captions.training()).hasSizeGreaterThan(15000).contains("happy mother christmas icon");
        Set<String> excluded = new HashSet<>(captions.training());
        excluded.addAll(labels.keySet());
        WordVariants w = WordVariants.fromTitles(captions.titles(), excluded);
        assertThat(w.styles()).hasSize(20);
        assertThat(w.products()).hasSize(20);
        Set<WordVariants.Edit> seen = EnumSet.noneOf(WordVariants.Edit.class);
        int n = 0;
        for (var e : labels.entrySet()) {
            if (!e.getValue().memorized()) {
                continue;
            }
            for (List<WordVariants.Variant> vs : w.all(e.getKey()).values()) {
                for (WordVariants.Variant v : vs) {
                    assertThat(captions.training()).doesNotContain(v.prompt());
                    assertThat(labels).doesNotContainKey(v.prompt());
                    seen.add(v.edit());
                    n++;
                }
            }
        }
        assertThat(seen).containsExactlyInAnyOrder(WordVariants.Edit.values());
        assertThat(n).isGreaterThan(1000);
    }
}
