package dev.memscope.triggers;

import dev.memscope.io.AtomicFiles;
import dev.memscope.json.JsonDocument;
import dev.memscope.json.JsonValue;
import dev.memscope.progress.Progress;
import dev.memscope.report.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * N chains of Algorithm 1 one after another, each followed by the copy check of its best prompt, and the
 * recall-vs-budget curve they make: after chain j, the share of the memorized training images (the items of the
 * testbed's memorized captions) that some checked prompt copies, against the forward passes spent so far (search
 * and check). Chains and checks are resumable: each has its state file in the state folder.
 */
public final class TriggerSearch {
    /** One chain's outcome. */
    public record ChainResult(int chain, ChainConfig config, String prompt, double bestD, long searchPasses,
                              CopyCheck.Result check, int iterations) {
    }

    /** One point of the curve: after {@code chains} chains, {@code passes} spent, {@code found} memorized images. */
    public record BudgetPoint(int chains, long searchPasses, long passes, int found, double recall) {
    }

    private final SlotLanguageModel lm;
    private final GuidanceScore score;
    private final CopyCheck check;
    private final Set<String> banned;
    private final Set<Integer> memorizedItems;
    private final Path stateDir;

    public TriggerSearch(SlotLanguageModel lm, GuidanceScore score, CopyCheck check, Set<String> banned,
                         Set<Integer> memorizedItems, Path stateDir) {
        this.lm = lm;
        this.score = score;
        this.check = check;
        this.banned = banned;
        this.memorizedItems = memorizedItems;
        this.stateDir = stateDir;
    }

    /** Runs (or resumes) chains {@code 0..n-1}; chain j uses {@code template} with seed {@code template.seed() + j}. */
    public List<ChainResult> run(int n, ChainConfig template, Progress progress) throws IOException {
        Files.createDirectories(stateDir);
        long perChain = 1 + (long) template.iterations() * template.k() + check.passesPerPrompt();
        progress.start("search-triggers", 1 + n * perChain);
        progress.advance(1);   // the unconditional pass of D, made when the score was built
        List<ChainResult> out = new ArrayList<>();
        for (int j = 0; j < n; j++) {
            ChainConfig c = new ChainConfig(template.seed() + j, template.length(), template.iterations(),
                    template.k(), template.proposalTemperature(), template.selectionTemperature(),
                    template.noiseSeed());
            Path state = stateDir.resolve(String.format(Locale.ROOT, "chain-%03d.json", j));
            TriggerChain chain = TriggerChain.openOrStart(c, state);
            long already = chain.passes();
            progress.advance(Math.min(already, perChain - check.passesPerPrompt()));
            chain.run(lm, score, banned, progress::advance);
            Path checkFile = stateDir.resolve(String.format(Locale.ROOT, "chain-%03d-check.json", j));
            CopyCheck.Result r = loadCheck(checkFile, chain.bestPrompt(), check.settings());
            if (r == null) {
                r = check.check(chain.bestPrompt(), progress::advance);
                saveCheck(checkFile, r, check.settings());
            } else {
                progress.advance(r.passes());
            }
            out.add(new ChainResult(j, c, chain.bestPrompt(), chain.bestD(), chain.passes(), r,
                    chain.iterationsDone()));
        }
        progress.done();
        return out;
    }

    /** Recall after each chain, in chain order. */
    public List<BudgetPoint> curve(List<ChainResult> chains) {
        List<BudgetPoint> pts = new ArrayList<>();
        Set<Integer> found = new LinkedHashSet<>();
        long search = 0;
        long total = 0;
        for (ChainResult c : chains) {
            search += c.searchPasses();
            total += c.searchPasses() + c.check().passes();
            for (int item : c.check().copiedItems()) {
                if (memorizedItems.contains(item)) {
                    found.add(item);
                }
            }
            pts.add(new BudgetPoint(pts.size() + 1, search, total, found.size(),
                    memorizedItems.isEmpty() ? Double.NaN : (double) found.size() / memorizedItems.size()));
        }
        return pts;
    }

    private static void saveCheck(Path file, CopyCheck.Result r, String settings) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("prompt", r.prompt());
        m.put("settings", settings);
        m.put("generations", r.generations());
        m.put("copies", r.copies());
        m.put("passes", r.passes());
        m.put("copiedItems", r.copiedItems());
        List<Map<String, Object>> cl = new ArrayList<>();
        for (CopyCheck.Cluster c : r.clusters()) {
            cl.add(Map.of("size", c.size(), "copiesImage", c.copiesImage(), "copiesItem", c.copiesItem()));
        }
        m.put("clusters", cl);
        AtomicFiles.writeString(file, Json.toJson(file.toString(), m));
    }

    private static CopyCheck.Result loadCheck(Path file, String prompt, String settings) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        JsonValue root = JsonDocument.read(file).root();
        if (!root.get("prompt").string().equals(prompt)) {
            return null;   // the chain changed since (it cannot once complete, but never trust a stale check)
        }
        JsonValue stored = root.get("settings");
        if (!stored.isText() || !stored.string().equals(settings)) {
            return null;   // checked with another clustering or generation count: the verdict does not carry over
        }
        int g = root.get("generations").integer();
        int copies = root.get("copies").integer();
        List<Integer> items = new ArrayList<>();
        for (JsonValue v : root.get("copiedItems").elements("copiedItems")) {
            items.add(v.integer());
        }
        List<CopyCheck.Cluster> cl = new ArrayList<>();
        for (JsonValue v : root.get("clusters").elements("clusters")) {
            cl.add(new CopyCheck.Cluster(v.get("size").integer(), v.get("copiesImage").integer(),
                    v.get("copiesItem").integer()));
        }
        return new CopyCheck.Result(prompt, g, copies, (double) copies / g, cl, items,
                root.get("passes").longInteger());
    }
}
