package dev.memscope.mitigate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memscope.diffusion.DdimSampler;
import dev.memscope.diffusion.StepHook;
import dev.memscope.model.lab.LabWorld;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** RNA and RTA: one inserted word, at a position in [0, n], reproducible from the sample's seed alone. */
class PromptInsertionTest {
    private static final String PROMPT = "Living in the Light with Ann Graham Lotz";
    private final LabWorld world = MitigationWorlds.build(MitigationWorlds.small());
    private final MitigationContext ctx = MitigationWorlds.context(world);

    @Test
    void rnaInsertsOneIntegerAndKeepsTheRestInOrder() {
        assertThat(RandomNumberAddition.BOUND).as("Wen et al.: numbers in [0, 100000)").isEqualTo(100_000);
        RandomNumberAddition rna = new RandomNumberAddition(ctx);
        List<String> original = PromptInsertion.words(PROMPT);
        Set<Integer> positions = new HashSet<>();
        for (long seed = 0; seed < 400; seed++) {
            List<String> edited = PromptInsertion.words(rna.edit(PROMPT, seed));
            assertThat(edited).hasSize(original.size() + 1);
            int pos = insertedAt(original, edited);
            positions.add(pos);
            String word = edited.get(pos);
            assertThat(word).matches("\\d+");
            assertThat(Integer.parseInt(word)).isBetween(0, RandomNumberAddition.BOUND - 1);
        }
        // 400 draws over 9 gaps: every gap, both ends included, is reached (miss probability ~9 (8/9)^400).
        assertThat(positions).hasSize(original.size() + 1).contains(0, original.size());
    }

    @Test
    void rtaInsertsAVocabularyToken() {
        RandomTokenAddition rta = new RandomTokenAddition(ctx);
        List<String> original = PromptInsertion.words(PROMPT);
        Set<String> tokens = new HashSet<>();
        for (long seed = 0; seed < 100; seed++) {
            List<String> edited = PromptInsertion.words(rta.edit(PROMPT, seed));
            assertThat(edited).hasSize(original.size() + 1);
            String word = edited.get(insertedAt(original, edited));
            assertThat(ctx.vocabulary()).contains(word);
            tokens.add(word);
        }
        assertThat(tokens.size()).as("distinct tokens in 100 draws").isGreaterThan(20);
    }

    @Test
    void oneEditPerPromptWhateverTheSampleSeedOrBatch() {
        for (Mitigation m : new Mitigation[] {new RandomNumberAddition(ctx), new RandomTokenAddition(ctx)}) {
            String[] prompts = {PROMPT, "a dog on a beach", "", PROMPT};
            long[] seeds = {11, 12, 13, 14};
            var xT = DdimSampler.initialNoise(4, 8, 8, seeds);
            Mitigation.Plan all = m.plan(prompts, seeds, xT);
            Mitigation.Plan alone = m.plan(new String[] {prompts[1]}, new long[] {999},
                    DdimSampler.initialNoise(4, 8, 8, new long[] {999}));
            // the two images of PROMPT (seeds 11 and 14) share one edit; another batch and seed give the same edit
            assertThat(all.effectivePrompts()[3]).isEqualTo(all.effectivePrompts()[0]);
            assertThat(all.effectivePrompts()[0]).isNotEqualTo(PROMPT);
            assertThat(alone.effectivePrompts()[0]).isEqualTo(all.effectivePrompts()[1]);
            assertThat(all.hook()).isSameAs(StepHook.NONE);
            assertThat(PromptInsertion.words(all.effectivePrompts()[2])).hasSize(1);
            assertThat(all.conditions()[1].embedding())
                    .isEqualTo(ctx.model().condition(all.effectivePrompts()[1]).embedding());
            // Different prompts get independent edits: of 20 prompts' inserted words, most differ.
            Set<String> distinct = new HashSet<>();
            for (int s = 0; s < 20; s++) {
                String p = PROMPT + " number" + s;
                List<String> before = PromptInsertion.words(p);
                List<String> after = new java.util.ArrayList<>(PromptInsertion.words(m.plan(new String[] {p},
                        new long[] {7}, DdimSampler.initialNoise(4, 8, 8, new long[] {7})).effectivePrompts()[0]));
                for (String w : before) {
                    after.remove(w);
                }
                assertThat(after).as(m.name() + " inserts one word into '" + p + "'").hasSize(1);
                distinct.add(after.get(0));
            }
            assertThat(distinct.size()).as(m.name()).isGreaterThan(10);
        }
    }

    @Test
    void promptSeedIsFnv1aOfTheUtf8Bytes() {
        // FNV-1a 64 reference values (the published test vectors: "" and "a")
        assertThat(PromptInsertion.promptSeed("")).isEqualTo(0xcbf29ce484222325L);
        assertThat(PromptInsertion.promptSeed("a")).isEqualTo(0xaf63dc4c8601ec8cL);
        assertThat(PromptInsertion.promptSeed("foobar")).isEqualTo(0x85944171f73967e8L);
    }

    @Test
    void rejectsAnEmptyVocabularyAndMultiWordTokens() {
        MitigationContext empty = new MitigationContext(ctx.model(), ctx.kernels(), ctx.training(), List.of(), 7.5, 50);
        assertThatThrownBy(() -> new RandomTokenAddition(empty)).hasMessageContaining("vocabulary")
                .hasMessageContaining("empty");
        MitigationContext bad = new MitigationContext(ctx.model(), ctx.kernels(), ctx.training(),
                List.of("cat", "two words"), 7.5, 50);
        assertThatThrownBy(() -> new RandomTokenAddition(bad)).hasMessageContaining("entry 1")
                .hasMessageContaining("two words");
    }

    @Test
    void registryListsTheMethodsInReportOrder() {
        assertThat(Mitigations.names()).containsExactly("none", "rna", "rta", "wen", "amg", "sail", "ren");
        for (String n : Mitigations.names()) {
            if (Mitigations.unsupported(n, ctx.model()).isEmpty()) {
                assertThat(Mitigations.create(n.toUpperCase(), ctx).name()).isEqualTo(n);
            }
        }
        assertThat(Mitigations.unsupported("ren", ctx.model())).as("the lab has no cross-attention").isPresent();
    }

    /** Index of the word in {@code edited} that is not in {@code original}, the others matching in order. */
    private static int insertedAt(List<String> original, List<String> edited) {
        for (int p = 0; p < edited.size(); p++) {
            List<String> rest = new ArrayList<>(edited);
            rest.remove(p);
            if (rest.equals(original)) {
                return p;
            }
        }
        throw new AssertionError(edited + " is not " + original + " plus one word");
    }
}
