package dev.memscope.triggers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Word-level variants of a testbed title caption ({@code STYLE NAME PRODUCT}, docs/testbed.md), the testbed's
 * counterpart of MemBench's trigger variants (word-level edits of a memorized prompt that still reproduce its image).
 * The edits, each one word-level step from the caption:
 * <ul>
 *   <li>{@link Edit#STYLE}, {@link Edit#PRODUCT}: the style (first) or product (last) word replaced by another
 *       style or product of the training titles, so the variant stays a title, as MemBench's language-model fills
 *       stay fluent;</li>
 *   <li>{@link Edit#NAME_WORD}: one word of the concept name replaced by another concept-name word of the training
 *       titles (the slot that says what is shown);</li>
 *   <li>{@link Edit#DROP}: one word removed;</li>
 *   <li>{@link Edit#SWAP}: two neighbouring words exchanged (the same words, another order).</li>
 * </ul>
 * A variant is never its source caption and never a caption in {@code excluded} (every training caption, and the
 * labelled held-out and novel captions, so that triggers and membench's general prompts stay disjoint).
 */
public final class WordVariants {
    /** The kind of word-level edit. */
    public enum Edit {
        STYLE, PRODUCT, NAME_WORD, DROP, SWAP;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /** A variant of {@code source} made by {@code edit}. */
    public record Variant(String prompt, String source, Edit edit) {
    }

    private final List<String> styles;
    private final List<String> products;
    private final List<String> nameWords;
    private final Set<String> excluded;

    /** Style, product and name-word vocabularies, each in a fixed order (draws depend on it). */
    public WordVariants(List<String> styles, List<String> products, List<String> nameWords, Set<String> excluded) {
        if (styles.isEmpty() || products.isEmpty() || nameWords.isEmpty()) {
            throw new IllegalArgumentException("word variants need styles, products and name words; got "
                    + styles.size() + ", " + products.size() + ", " + nameWords.size());
        }
        this.styles = List.copyOf(styles);
        this.products = List.copyOf(products);
        this.nameWords = List.copyOf(nameWords);
        this.excluded = Set.copyOf(excluded);
    }

    /**
     * The vocabularies of the training titles: first words (styles), last words (products) and the words between
     * (concept names), each in order of first appearance.
     */
    public static WordVariants fromTitles(List<String> titles, Set<String> excluded) {
        Set<String> styles = new LinkedHashSet<>();
        Set<String> products = new LinkedHashSet<>();
        Set<String> names = new LinkedHashSet<>();
        for (String t : titles) {
            List<String> w = words(t);
            if (w.size() < 3) {
                throw new IllegalArgumentException("training title '" + t + "' has " + w.size() + " words; a title "
                        + "is STYLE NAME PRODUCT (at least 3)");
            }
            styles.add(w.get(0));
            products.add(w.get(w.size() - 1));
            names.addAll(w.subList(1, w.size() - 1));
        }
        return new WordVariants(new ArrayList<>(styles), new ArrayList<>(products), new ArrayList<>(names), excluded);
    }

    public List<String> styles() {
        return styles;
    }

    public List<String> products() {
        return products;
    }

    public List<String> nameWords() {
        return nameWords;
    }

    /** Every variant of a title caption, by edit, each list in a fixed order, without duplicates or exclusions. */
    public Map<Edit, List<Variant>> all(String caption) {
        List<String> w = words(caption);
        if (w.size() < 3 || !styles.contains(w.get(0)) || !products.contains(w.get(w.size() - 1))) {
            throw new IllegalArgumentException("caption '" + caption + "' is not a title (STYLE NAME PRODUCT with a "
                    + "training style first and a training product last)");
        }
        String source = String.join(" ", w);
        Set<String> seen = new LinkedHashSet<>();
        Map<Edit, List<Variant>> out = new LinkedHashMap<>();
        for (Edit e : Edit.values()) {
            List<Variant> vs = new ArrayList<>();
            for (List<String> cand : candidates(w, e)) {
                String p = String.join(" ", cand);
                if (!p.equals(source) && !excluded.contains(p) && seen.add(p)) {
                    vs.add(new Variant(p, source, e));
                }
            }
            out.put(e, List.copyOf(vs));
        }
        return out;
    }

    /**
     * {@code perCaption} variants of a caption, deterministic for (caption, seed): the edits are visited in a seeded
     * order, round-robin, each time taking the next of that edit's seeded-shuffled candidates, so the edit kinds are
     * spread evenly and an edit with few candidates (SWAP) is not crowded out by one with many (NAME_WORD).
     */
    public List<Variant> draw(String caption, int perCaption, long seed) {
        if (perCaption < 1) {
            throw new IllegalArgumentException("variants per caption must be >= 1, got " + perCaption);
        }
        Map<Edit, List<Variant>> all = all(caption);
        Random r = new Random(seed * 1_000_003L + caption.hashCode());
        List<Edit> order = new ArrayList<>(Arrays.asList(Edit.values()));
        Collections.shuffle(order, r);
        Map<Edit, List<Variant>> shuffled = new LinkedHashMap<>();
        for (Edit e : order) {
            List<Variant> vs = new ArrayList<>(all.get(e));
            Collections.shuffle(vs, r);
            shuffled.put(e, vs);
        }
        List<Variant> out = new ArrayList<>();
        int[] next = new int[Edit.values().length];
        boolean any = true;
        while (out.size() < perCaption && any) {
            any = false;
            for (Edit e : order) {
                List<Variant> vs = shuffled.get(e);
                if (out.size() < perCaption && next[e.ordinal()] < vs.size()) {
                    out.add(vs.get(next[e.ordinal()]++));
                    any = true;
                }
            }
        }
        return out;
    }

    private List<List<String>> candidates(List<String> w, Edit e) {
        int last = w.size() - 1;
        List<List<String>> out = new ArrayList<>();
        switch (e) {
            case STYLE -> styles.forEach(s -> out.add(replaced(w, 0, s)));
            case PRODUCT -> products.forEach(p -> out.add(replaced(w, last, p)));
            case NAME_WORD -> {
                for (int i = 1; i < last; i++) {
                    for (String n : nameWords) {
                        out.add(replaced(w, i, n));
                    }
                }
            }
            case DROP -> {
                for (int i = 0; i <= last; i++) {
                    List<String> c = new ArrayList<>(w);
                    c.remove(i);
                    out.add(c);
                }
            }
            case SWAP -> {
                for (int i = 0; i < last; i++) {
                    List<String> c = new ArrayList<>(w);
                    Collections.swap(c, i, i + 1);
                    out.add(c);
                }
            }
        }
        return out;
    }

    private static List<String> replaced(List<String> w, int i, String word) {
        List<String> c = new ArrayList<>(w);
        c.set(i, word);
        return c;
    }

    static List<String> words(String caption) {
        String s = caption.strip();
        return s.isEmpty() ? List.of() : Arrays.asList(s.split("\\s+"));
    }
}
