package dev.memscope.triggers;

import dev.memscope.io.AtomicFiles;
import dev.memscope.json.JsonDocument;
import dev.memscope.json.JsonValue;
import dev.memscope.report.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * One chain of MemBench's Algorithm 1: L word slots; each iteration masks one slot (drawn at random), the language
 * model proposes k words (temperature 0.1, banned and stop words removed), all k candidate prompts are scored in
 * one batch by D (one forward pass each, {@link GuidanceScore}), one is drawn from softmax(D / 0.1), and the best
 * prompt over the whole history is kept.
 *
 * <p>Resumable: every iteration draws from {@code Random(seed, iteration)} alone, and the state (current words,
 * best prompt, passes, history) is written atomically to the chain's state file after each iteration, so a killed
 * run continues from its last completed iteration with the same result as an uninterrupted one.
 */
public final class TriggerChain {
    /** One iteration's record: passes spent so far, the chosen prompt's D and the best D so far. */
    public record Step(int iteration, long passes, double chosenD, double bestD, String best) {
    }

    private final ChainConfig config;
    private final Path stateFile;
    private List<String> words;
    private List<String> best;
    private double bestD = Double.NEGATIVE_INFINITY;
    private int done;
    private long passes;
    private final List<Step> history = new ArrayList<>();

    private TriggerChain(ChainConfig config, Path stateFile) {
        this.config = config;
        this.stateFile = stateFile;
    }

    /** A fresh chain, or the one in {@code stateFile} when it exists (then its settings must equal {@code config}). */
    public static TriggerChain openOrStart(ChainConfig config, Path stateFile) throws IOException {
        TriggerChain c = new TriggerChain(config, stateFile);
        if (stateFile != null && Files.exists(stateFile)) {
            c.load();
        }
        return c;
    }

    private static Random rng(long seed, int iteration) {
        return new Random(seed * 1_000_003L + iteration * 7919L + 17);
    }

    /** Runs the remaining iterations; {@code onPasses} hears every batch's forward passes (progress). */
    public void run(SlotLanguageModel lm, GuidanceScore d, Set<String> banned, LongConsumer onPasses)
            throws IOException {
        if (words != null) {
            requireSameScore(d);
        } else {
            Random r = rng(config.seed(), -1);
            int len = config.length() > 0 ? config.length() : lm.sampleLength(r);
            words = new ArrayList<>(lm.sample(len, banned, r));
            long before = d.passes();
            double d0 = d.score(List.of(String.join(" ", words)))[0];
            passes += d.passes() - before;
            onPasses.accept(d.passes() - before);
            best = List.copyOf(words);
            bestD = d0;
            save();
        }
        while (done < config.iterations()) {
            Random r = rng(config.seed(), done);
            int slot = r.nextInt(words.size());
            List<String> fills = lm.propose(words, slot, config.k(), config.proposalTemperature(), banned, r);
            if (fills.isEmpty()) {
                throw new IllegalStateException("the language model proposed no word for slot " + slot + " of '"
                        + String.join(" ", words) + "'");
            }
            List<String> candidates = new ArrayList<>();
            for (String w : fills) {
                List<String> c = new ArrayList<>(words);
                c.set(slot, w);
                candidates.add(String.join(" ", c));
            }
            long before = d.passes();
            double[] scores = d.score(candidates);
            passes += d.passes() - before;
            onPasses.accept(d.passes() - before);
            int pick = Softmax.draw(scores, config.selectionTemperature(), r);
            words.set(slot, fills.get(pick));
            for (int i = 0; i < scores.length; i++) {
                if (scores[i] > bestD) {
                    bestD = scores[i];
                    best = List.of(candidates.get(i).split(" "));
                }
            }
            done++;
            history.add(new Step(done, passes, scores[pick], bestD, bestPrompt()));
            save();
        }
    }

    /**
     * A loaded state's best D must be what D gives now: {@link #load} checks the chain settings, but a state made on
     * another model (a retrained testbed) or with another noise seed would otherwise continue, and be reported,
     * silently. One forward pass, not counted in the chain's passes; relative 1e-3 absorbs batch-size effects on
     * float32 D, while another model moves D by far more.
     */
    private void requireSameScore(GuidanceScore d) {
        String prompt = bestPrompt();
        double now = d.score(List.of(prompt))[0];
        if (Math.abs(now - bestD) > 1e-3 * Math.max(1e-6, Math.abs(bestD))) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%s: its best prompt '%s' has D = %.6g "
                    + "stored but %.6g now: the state was made with another model or --noise-seed; use a fresh "
                    + "--state", stateFile, prompt, bestD, now));
        }
    }

    public String bestPrompt() {
        return best == null ? null : String.join(" ", best);
    }

    public double bestD() {
        return bestD;
    }

    public long passes() {
        return passes;
    }

    public int iterationsDone() {
        return done;
    }

    public List<Step> history() {
        return List.copyOf(history);
    }

    public ChainConfig config() {
        return config;
    }

    private void save() throws IOException {
        if (stateFile == null) {
            return;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("config", config.asMap());
        m.put("iterationsDone", done);
        m.put("passes", passes);
        m.put("words", words);
        m.put("best", best);
        m.put("bestD", bestD);
        List<Map<String, Object>> h = new ArrayList<>();
        for (Step s : history) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("iteration", s.iteration());
            e.put("passes", s.passes());
            e.put("chosenD", s.chosenD());
            e.put("bestD", s.bestD());
            e.put("best", s.best());
            h.add(e);
        }
        m.put("history", h);
        AtomicFiles.writeString(stateFile, Json.toJson(stateFile.toString(), m));
    }

    private void load() throws IOException {
        JsonValue root = JsonDocument.read(stateFile).root();
        Map<String, Object> want = config.asMap();
        JsonValue got = root.get("config");
        for (Map.Entry<String, Object> e : want.entrySet()) {
            JsonValue v = got.get(e.getKey());
            Object have = e.getValue() instanceof Double ? (Object) v.number()
                    : e.getValue() instanceof Integer ? (Object) v.integer() : (Object) v.longInteger();
            if (!Objects.equals(have, e.getValue())) {
                throw new IllegalArgumentException(stateFile + ": chain setting " + e.getKey() + " is " + have
                        + " in the state file but " + e.getValue() + " now; use another --state folder or the same "
                        + "settings");
            }
        }
        done = root.get("iterationsDone").integer();
        passes = root.get("passes").longInteger();
        words = new ArrayList<>();
        for (JsonValue w : root.get("words").elements("words")) {
            words.add(w.nonBlankString());
        }
        best = new ArrayList<>();
        for (JsonValue w : root.get("best").elements("best")) {
            best.add(w.nonBlankString());
        }
        bestD = root.get("bestD").number();
        for (JsonValue s : root.get("history").elements("history")) {
            history.add(new Step(s.get("iteration").integer(), s.get("passes").longInteger(),
                    s.get("chosenD").number(), s.get("bestD").number(), s.get("best").string()));
        }
        if (words.isEmpty() || done < 0 || history.size() != done) {
            throw new IllegalArgumentException(stateFile + ": inconsistent chain state (" + words.size() + " words, "
                    + done + " iterations, " + history.size() + " history entries)");
        }
    }
}
