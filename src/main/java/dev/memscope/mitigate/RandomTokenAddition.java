package dev.memscope.mitigate;

import java.util.List;
import java.util.SplittableRandom;

/** RTA: inserts one token drawn uniformly from the context's vocabulary as a word at a random position. */
public final class RandomTokenAddition extends PromptInsertion {
    private static final long SALT = 0x525441L;   // "RTA"
    private final List<String> vocabulary;

    public RandomTokenAddition(MitigationContext ctx) {
        super(ctx, SALT);
        if (ctx.vocabulary().isEmpty()) {
            throw new IllegalArgumentException("rta: the vocabulary to draw random tokens from is empty");
        }
        for (int i = 0; i < ctx.vocabulary().size(); i++) {
            String w = ctx.vocabulary().get(i);
            if (w == null || w.isBlank() || w.strip().matches(".*\\s.*")) {
                throw new IllegalArgumentException("rta: vocabulary entry " + i + " ('" + w
                        + "') is not a single word");
            }
        }
        this.vocabulary = ctx.vocabulary();
    }

    @Override
    public String name() {
        return "rta";
    }

    @Override
    String randomWord(SplittableRandom rnd) {
        return vocabulary.get(rnd.nextInt(vocabulary.size())).strip();
    }
}
