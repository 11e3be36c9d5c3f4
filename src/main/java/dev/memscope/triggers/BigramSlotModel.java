package dev.memscope.triggers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A masked-slot language model built from a caption corpus: an interpolated bigram model read in both directions.
 * A word w for slot i between neighbours l and r (sentence start / end at the edges) scores
 * {@code log P(w | l) + log P(r | w)}, with {@code P(b | a) = LAMBDA c(a, b) / c(a) + (1 - LAMBDA) P1(b)} and an
 * add-one unigram {@code P1}.
 *
 * <p>Why this and not a neural masked model: the testbed's captions are a few hundred short templated titles
 * ({@code STYLE NAME PRODUCT}) and concept descriptions over ~1,700 words. A bigram model captures exactly what
 * decides a plausible fill there, the neighbouring words (a style word after the start, a product word before the
 * end, the next word of a multi-word emoji name), is estimated in milliseconds from the corpus, has no parameters
 * to train or overfit, and is fully reproducible. A neural masked model trained on ~650 captions would mostly
 * memorize them.
 */
public final class BigramSlotModel implements SlotLanguageModel {
    /** Weight of the bigram estimate against the unigram (Jelinek-Mercer interpolation). */
    static final double LAMBDA = 0.8;
    private static final String START = "<s>";
    private static final String END = "</s>";

    private final List<String> vocab = new ArrayList<>();
    private final Map<String, Integer> index = new HashMap<>();
    private final Map<String, Map<String, Integer>> bigrams = new HashMap<>();
    private final Map<String, Integer> contextCounts = new HashMap<>();
    private final double[] unigram;
    private final int[] lengths;

    /** Builds the model; captions are lower-cased and split on white space. */
    public BigramSlotModel(List<String> corpus) {
        if (corpus.isEmpty()) {
            throw new IllegalArgumentException("the language model's corpus is empty");
        }
        Map<String, Integer> counts = new HashMap<>();
        lengths = new int[corpus.size()];
        int total = 0;
        for (int c = 0; c < corpus.size(); c++) {
            List<String> w = words(corpus.get(c));
            if (w.isEmpty()) {
                throw new IllegalArgumentException("caption " + (c + 1) + " of the language model's corpus is blank");
            }
            lengths[c] = w.size();
            String prev = START;
            for (String x : w) {
                if (!index.containsKey(x)) {
                    index.put(x, vocab.size());
                    vocab.add(x);
                }
                counts.merge(x, 1, Integer::sum);
                total++;
                count(prev, x);
                prev = x;
            }
            count(prev, END);
        }
        unigram = new double[vocab.size()];
        for (int i = 0; i < unigram.length; i++) {
            unigram[i] = (counts.get(vocab.get(i)) + 1.0) / (total + vocab.size() + 1.0);
        }
    }

    static List<String> words(String caption) {
        String t = caption.trim().toLowerCase(Locale.ROOT);
        return t.isEmpty() ? List.of() : Arrays.asList(t.split("\\s+"));
    }

    private void count(String a, String b) {
        bigrams.computeIfAbsent(a, x -> new HashMap<>()).merge(b, 1, Integer::sum);
        contextCounts.merge(a, 1, Integer::sum);
    }

    /** P(b | a) with interpolation; b may be END (its unigram share is that of one extra type). */
    double probability(String a, String b) {
        double uni = b.equals(END) ? 1.0 / (vocab.size() + 1.0) : unigramOf(b);
        Integer ca = contextCounts.get(a);
        if (ca == null) {
            return uni;
        }
        int cab = bigrams.get(a).getOrDefault(b, 0);
        return LAMBDA * cab / ca + (1 - LAMBDA) * uni;
    }

    private double unigramOf(String w) {
        Integer i = index.get(w);
        return i == null ? 1.0 / (vocab.size() + 1.0) : unigram[i];
    }

    /** Log score of every vocabulary word in slot {@code slot}. */
    double[] slotLogScores(List<String> words, int slot) {
        String left = slot == 0 ? START : words.get(slot - 1);
        String right = slot == words.size() - 1 ? END : words.get(slot + 1);
        double[] s = new double[vocab.size()];
        for (int i = 0; i < s.length; i++) {
            String w = vocab.get(i);
            s[i] = Math.log(probability(left, w)) + Math.log(probability(w, right));
        }
        return s;
    }

    @Override
    public List<String> propose(List<String> words, int slot, int k, double temperature, Set<String> banned,
                                Random rng) {
        if (slot < 0 || slot >= words.size()) {
            throw new IllegalArgumentException("slot " + slot + " outside a prompt of " + words.size() + " words");
        }
        if (k < 1 || !(temperature > 0) || !Double.isFinite(temperature)) {
            throw new IllegalArgumentException("need k >= 1 and a temperature > 0, got k " + k + ", T " + temperature);
        }
        double[] s = slotLogScores(words, slot);
        // Gumbel top-k: the k largest of log p / T + Gumbel noise are a draw without replacement from p^(1/T)
        double[] key = new double[s.length];
        Integer[] order = new Integer[s.length];
        for (int i = 0; i < s.length; i++) {
            double u = Math.max(rng.nextDouble(), 1e-300);
            key[i] = banned.contains(vocab.get(i)) ? Double.NEGATIVE_INFINITY : s[i] / temperature - Math.log(-Math.log(u));
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(key[b], key[a]));
        List<String> out = new ArrayList<>();
        for (int i = 0; i < order.length && out.size() < k; i++) {
            if (key[order[i]] > Double.NEGATIVE_INFINITY) {
                out.add(vocab.get(order[i]));
            }
        }
        return out;
    }

    @Override
    public List<String> sample(int length, Set<String> banned, Random rng) {
        if (length < 1) {
            throw new IllegalArgumentException("prompt length must be >= 1, got " + length);
        }
        List<String> w = new ArrayList<>();
        String prev = START;
        for (int i = 0; i < length; i++) {
            double[] p = new double[vocab.size()];
            double z = 0;
            for (int j = 0; j < p.length; j++) {
                p[j] = banned.contains(vocab.get(j)) ? 0 : probability(prev, vocab.get(j));
                z += p[j];
            }
            if (!(z > 0)) {
                throw new IllegalArgumentException("every word of the language model is banned");
            }
            double u = rng.nextDouble() * z;
            int pick = p.length - 1;
            for (int j = 0; j < p.length; j++) {
                u -= p[j];
                if (u <= 0 && p[j] > 0) {
                    pick = j;
                    break;
                }
            }
            while (p[pick] == 0) {
                pick--;
            }
            w.add(vocab.get(pick));
            prev = vocab.get(pick);
        }
        return w;
    }

    @Override
    public int sampleLength(Random rng) {
        return lengths[rng.nextInt(lengths.length)];
    }

    @Override
    public int vocabulary() {
        return vocab.size();
    }
}
