package dev.memscope.triggers;

import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The proposal model of MemBench's Gibbs search: given a prompt with one slot masked, the words that could fill it.
 * MemBench uses BERT; any model that scores a word in context will do.
 */
public interface SlotLanguageModel {

    /**
     * Up to {@code k} distinct words for slot {@code slot} of {@code words}, drawn without replacement from the
     * model's distribution sharpened by {@code temperature} (p^(1/T), Gumbel top-k; as T -> 0 this is the top-k),
     * never a word of {@code banned}.
     */
    List<String> propose(List<String> words, int slot, int k, double temperature, Set<String> banned, Random rng);

    /** A prompt of {@code length} words drawn from the model (a chain's starting point). */
    List<String> sample(int length, Set<String> banned, Random rng);

    /** A prompt length drawn from the corpus' distribution of lengths. */
    int sampleLength(Random rng);

    /** Words the model can propose. */
    int vocabulary();
}
