package dev.memscope.triggers;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongConsumer;

/**
 * MemBench's Algorithm 2: augment a found trigger slot by slot. Each iteration masks the next slot (in turn), draws
 * k words from the language model at temperature 1.5 (diverse on purpose), scores the k variants by D in one
 * batch, and keeps every variant whose D reaches the threshold; the walk moves to the best kept variant. When an
 * iteration keeps nothing new for {@code patience} (3) iterations in a row, it stops early. Variants are grouped by
 * their word-level edit distance to the trigger.
 */
public final class TriggerAugmenter {
    /** A kept variant with its D. */
    public record Variant(String prompt, double d, int editDistance) {
    }

    /** The augmentation: the trigger's D, the threshold, the variants and how the walk ended. */
    public record Result(String trigger, double triggerD, double threshold, List<Variant> variants,
                         Map<Integer, List<Variant>> byEditDistance, int iterations, boolean stoppedEarly,
                         long passes) {
    }

    private final SlotLanguageModel lm;
    private final GuidanceScore score;
    private final Set<String> banned;

    public TriggerAugmenter(SlotLanguageModel lm, GuidanceScore score, Set<String> banned) {
        this.lm = lm;
        this.score = score;
        this.banned = banned;
    }

    /**
     * @param threshold absolute D threshold, or NaN for {@code relative x D(trigger)}
     */
    public Result augment(String trigger, int k, double temperature, double threshold, double relative,
                          int patience, int maxIterations, long seed, LongConsumer onPasses) {
        List<String> t = BigramSlotModel.words(trigger);
        if (t.isEmpty()) {
            throw new IllegalArgumentException("--prompt: the trigger is blank");
        }
        long p0 = score.passes();
        double dT = score.score(List.of(String.join(" ", t)))[0];
        onPasses.accept(score.passes() - p0);
        double th = Double.isNaN(threshold) ? relative * dT : threshold;
        Map<String, Variant> kept = new LinkedHashMap<>();
        List<String> cur = new ArrayList<>(t);
        int quiet = 0;
        int it = 0;
        boolean early = false;
        while (it < maxIterations) {
            Random r = new Random(seed * 1_000_003L + it);
            int slot = it % cur.size();
            it++;
            List<String> fills = lm.propose(cur, slot, k, temperature, banned, r);
            List<String> cands = new ArrayList<>();
            for (String w : fills) {
                List<String> c = new ArrayList<>(cur);
                c.set(slot, w);
                cands.add(String.join(" ", c));
            }
            long before = score.passes();
            double[] d = score.score(cands);
            onPasses.accept(score.passes() - before);
            int added = 0;
            int bestI = -1;
            for (int i = 0; i < d.length; i++) {
                if (d[i] >= th && !kept.containsKey(cands.get(i)) && !cands.get(i).equals(String.join(" ", t))) {
                    kept.put(cands.get(i), new Variant(cands.get(i), d[i], editDistance(t,
                            BigramSlotModel.words(cands.get(i)))));
                    added++;
                }
                if (d[i] >= th && (bestI < 0 || d[i] > d[bestI])) {
                    bestI = i;
                }
            }
            if (bestI >= 0) {
                cur = new ArrayList<>(BigramSlotModel.words(cands.get(bestI)));
            }
            quiet = added == 0 ? quiet + 1 : 0;
            if (quiet >= patience) {
                early = true;
                break;
            }
        }
        List<Variant> vs = new ArrayList<>(kept.values());
        vs.sort((a, b) -> Double.compare(b.d(), a.d()));
        Map<Integer, List<Variant>> groups = new TreeMap<>();
        for (Variant v : vs) {
            groups.computeIfAbsent(v.editDistance(), x -> new ArrayList<>()).add(v);
        }
        return new Result(String.join(" ", t), dT, th, vs, groups, it, early, score.passes() - p0);
    }

    /** Levenshtein distance over words (substitution, insertion, deletion cost 1). */
    static int editDistance(List<String> a, List<String> b) {
        int[] prev = new int[b.size() + 1];
        int[] cur = new int[b.size() + 1];
        for (int j = 0; j <= b.size(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.size(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.size(); j++) {
                int sub = prev[j - 1] + (a.get(i - 1).equals(b.get(j - 1)) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] x = prev;
            prev = cur;
            cur = x;
        }
        return prev[b.size()];
    }
}
