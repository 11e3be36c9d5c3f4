package dev.memscope.mitigate;

import java.util.SplittableRandom;

/**
 * RNA: inserts one random integer, uniform in [0, {@value #BOUND}), as a word at a random position. Somepalli et
 * al. add random numbers to break the exact caption match that triggers replication; the range is Wen et al.'s
 * ({@code random.randint(0, 100000)}-style draws in their baseline script, here the half-open [0, 100000)).
 */
public final class RandomNumberAddition extends PromptInsertion {
    static final int BOUND = 100_000;
    private static final long SALT = 0x524e41L;   // "RNA"

    public RandomNumberAddition(MitigationContext ctx) {
        super(ctx, SALT);
    }

    @Override
    public String name() {
        return "rna";
    }

    @Override
    String randomWord(SplittableRandom rnd) {
        return Integer.toString(rnd.nextInt(BOUND));
    }
}
