package dev.memscope.mitigate;

import dev.memscope.diffusion.StepHook;
import dev.memscope.model.Condition;
import dev.memscope.model.Denoiser;
import dev.memscope.tensor.TensorF32;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The text baselines of Somepalli et al. (2023), used as mitigations by Wen et al. (2024): insert one random word
 * into the prompt at a random word position and sample the changed prompt with plain guidance. Words are the
 * whitespace-separated tokens of the prompt; the new word goes into one of the {@code n + 1} gaps (before the first
 * word, between two, after the last), chosen uniformly.
 *
 * <p>One edit per prompt, as the authors do (their scripts edit the prompt once and sample all of its images from
 * the edited prompt): the edit's random stream is seeded by a hash of the prompt text ({@link #promptSeed}), not by
 * the sample's seed, so every image of a prompt sees the same edited prompt, in any batch and any run.
 */
abstract class PromptInsertion implements Mitigation {
    private final Denoiser model;
    private final long salt;

    PromptInsertion(MitigationContext ctx, long salt) {
        this.model = ctx.model();
        this.salt = salt;
    }

    /** The word to insert, drawn from {@code rnd}. */
    abstract String randomWord(SplittableRandom rnd);

    @Override
    public Plan plan(String[] prompts, long[] seeds, TensorF32 xT) {
        if (seeds.length != prompts.length) {
            throw new IllegalArgumentException(name() + ": " + seeds.length + " seeds for " + prompts.length
                    + " prompts");
        }
        Condition[] c = new Condition[prompts.length];
        String[] edited = new String[prompts.length];
        for (int b = 0; b < prompts.length; b++) {
            edited[b] = edit(prompts[b], promptSeed(prompts[b]));
            c[b] = model.condition(edited[b]);
        }
        return new Plan(c, StepHook.NONE, edited);
    }

    /** The seed of a prompt's edit: FNV-1a (64 bit) of its UTF-8 bytes, stable across runs and JVMs. */
    static long promptSeed(String prompt) {
        long h = 0xcbf29ce484222325L;
        for (byte x : (prompt == null ? "" : prompt).getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            h ^= x & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** The prompt with one random word inserted, drawn from the stream of {@code seed} (mixed with the salt). */
    String edit(String prompt, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed ^ salt);
        String word = randomWord(rnd);
        return insert(prompt, word, rnd.nextInt(words(prompt).size() + 1));
    }

    static List<String> words(String prompt) {
        String t = prompt == null ? "" : prompt.strip();
        return t.isEmpty() ? new ArrayList<>() : new ArrayList<>(Arrays.asList(t.split("\\s+")));
    }

    /** {@code word} inserted before word {@code position} (0..n) of the prompt; words are re-joined by one space. */
    static String insert(String prompt, String word, int position) {
        List<String> w = words(prompt);
        if (position < 0 || position > w.size()) {
            throw new IllegalArgumentException("insert position " + position + " outside [0, " + w.size() + "]");
        }
        w.add(position, word);
        return String.join(" ", w);
    }
}
