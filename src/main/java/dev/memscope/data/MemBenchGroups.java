package dev.memscope.data;

import dev.memscope.model.lab.TextEncoder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * MemBench prompts grouped by reference image: two rows belong to one group when they share a reference URL,
 * directly or through a chain of rows (union-find over URLs). The shared file gives 53 groups of 2 to 791 prompts;
 * in the lab each group is one duplicated training image.
 *
 * <p>Groups are numbered in the order of their first row in the file; rows keep file order inside a group.
 *
 * <p><b>Base triggers.</b> Each group's training captions are its {@code b} most central prompts: the rows with
 * the highest mean word-Jaccard similarity to the other rows of the group (words as {@link TextEncoder#words},
 * compared as sets), ties broken by file order. MemBench's prompts are word-level variants of a few base triggers,
 * so the most central variants are the best stand-ins for the captions the image was trained with.
 */
public final class MemBenchGroups {

    /** One reference-image group: its rows in file order and every URL they reference. */
    public record Group(int id, List<MemBenchCsv.Row> rows, Set<String> urls) {
        public Group {
            rows = List.copyOf(rows);
            urls = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(urls));
        }

        public List<String> prompts() {
            return rows.stream().map(MemBenchCsv.Row::prompt).toList();
        }

        /**
         * The {@code b} rows with the highest mean word-Jaccard similarity to the rest of the group (a one-row
         * group: that row), in decreasing centrality, ties by file order.
         */
        public List<MemBenchCsv.Row> baseTriggers(int b) {
            if (b < 1) {
                throw new IllegalArgumentException("base triggers per group must be >= 1, got " + b);
            }
            int n = rows.size();
            List<Set<String>> words = new ArrayList<>(n);
            for (MemBenchCsv.Row r : rows) {
                words.add(new HashSet<>(TextEncoder.words(r.prompt())));
            }
            double[] score = new double[n];
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int j = 0; j < n; j++) {
                    if (i != j) {
                        s += jaccard(words.get(i), words.get(j));
                    }
                }
                score[i] = n > 1 ? s / (n - 1) : 0;
            }
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                order.add(i);
            }
            order.sort(Comparator.<Integer>comparingDouble(i -> -score[i]).thenComparingInt(i -> i));
            List<MemBenchCsv.Row> out = new ArrayList<>();
            for (int i = 0; i < Math.min(b, n); i++) {
                out.add(rows.get(order.get(i)));
            }
            return out;
        }
    }

    private MemBenchGroups() {
    }

    /** Jaccard similarity |a & b| / |a | b| of two word sets; two empty sets count as 0. */
    public static double jaccard(Set<String> a, Set<String> b) {
        if (a.isEmpty() && b.isEmpty()) {
            return 0;
        }
        int inter = 0;
        for (String w : a) {
            if (b.contains(w)) {
                inter++;
            }
        }
        return (double) inter / (a.size() + b.size() - inter);
    }

    /** Reads and groups a MemBench CSV. */
    public static List<Group> read(Path file) throws java.io.IOException {
        return group(file, MemBenchCsv.read(file));
    }

    /**
     * Groups rows by shared reference URLs. A row without any URL cannot be grouped (it has no reference image to
     * measure copying against) and is an error naming its line; so is an empty row list.
     */
    public static List<Group> group(Path file, List<MemBenchCsv.Row> rows) throws PromptFileException {
        if (rows.isEmpty()) {
            throw new PromptFileException(file, 0, "no MemBench rows to group (empty after filtering?)");
        }
        Map<String, String> parent = new HashMap<>();
        for (MemBenchCsv.Row r : rows) {
            if (r.urls().isEmpty()) {
                throw new PromptFileException(file, r.line(), "empty url list: a trigger prompt with no reference "
                        + "image cannot be grouped");
            }
            String first = find(parent, r.urls().get(0));
            for (String u : r.urls().subList(1, r.urls().size())) {
                String root = find(parent, u);
                if (!root.equals(first)) {
                    parent.put(root, first);
                }
            }
        }
        Map<String, List<MemBenchCsv.Row>> byRoot = new LinkedHashMap<>();
        Map<String, Set<String>> urlsByRoot = new HashMap<>();
        for (MemBenchCsv.Row r : rows) {
            String root = find(parent, r.urls().get(0));
            byRoot.computeIfAbsent(root, k -> new ArrayList<>()).add(r);
            urlsByRoot.computeIfAbsent(root, k -> new LinkedHashSet<>()).addAll(r.urls());
        }
        List<Group> out = new ArrayList<>();
        for (Map.Entry<String, List<MemBenchCsv.Row>> e : byRoot.entrySet()) {
            out.add(new Group(out.size(), e.getValue(), urlsByRoot.get(e.getKey())));
        }
        return out;
    }

    private static String find(Map<String, String> parent, String x) {
        String root = x;
        while (true) {
            String p = parent.putIfAbsent(root, root);
            if (p == null || p.equals(root)) {
                break;
            }
            root = p;
        }
        // Path compression keeps chains short on the 791-row group.
        String cur = x;
        while (!cur.equals(root)) {
            String next = parent.get(cur);
            parent.put(cur, root);
            cur = next;
        }
        return root;
    }
}
