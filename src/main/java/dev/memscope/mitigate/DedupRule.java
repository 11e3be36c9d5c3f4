package dev.memscope.mitigate;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How AMG's caption deduplication picks its negative prompt: the most frequent caption among the
 * {@code neighbours} training images most similar to the predicted x0, if it occurs at least {@code minCount}
 * times; otherwise the nearest image's caption ({@code fallbackToNearest}) or no deduplication term for that sample
 * in that step. Among equally frequent captions the one met first, nearest first, wins (as Python's
 * {@code Counter.most_common} orders ties by first insertion, and the authors' neighbours arrive nearest first).
 *
 * <ul>
 * <li>{@link #authors()} (default): the authors' code ({@code chenchen-usyd/AMG-sd} @d76d4c8,
 *   {@code scripts/txt2img.py}, {@code cond_fn}) queries the 1,000 nearest LAION-5B images and uses their most common
 *   caption only if it occurs more than 20 times, with no fallback. Scaling k by training-set size is not usable
 *   here (1,000 x N / 5.85e9 is below one image for N of 10^3..10^4), so k stays 1,000 and is capped at the
 *   training set's size N ({@link #neighboursFor}); the count 21 is kept as is. Like LAION's index, the training
 *   set counts every copy of a duplicated image as an entry (a caption duplicated 149 times fills 149 of the
 *   1,000 neighbours), so the rule fires for images duplicated more than 20 times under one caption.</li>
 * <li>{@link #memscope()}: MemScope's earlier rule, k = 10, count >= 3, else the nearest image's caption.</li>
 * </ul>
 */
public record DedupRule(int neighbours, int minCount, boolean fallbackToNearest, boolean countsCopies) {
    public static final int AUTHORS_NEIGHBOURS = 1000;
    /** The authors' {@code count.most_common()[0][1] > 20}. */
    public static final int AUTHORS_MIN_COUNT = 21;
    public static final int MEMSCOPE_NEIGHBOURS = 10;
    public static final int MEMSCOPE_MIN_COUNT = 3;

    public DedupRule {
        if (neighbours < 1 || minCount < 1) {
            throw new IllegalArgumentException("amg dedup rule: neighbours and minCount must be >= 1, got k = "
                    + neighbours + ", count = " + minCount);
        }
    }

    /** A rule over unique training images (each image one neighbour, whatever its copy count). */
    public DedupRule(int neighbours, int minCount, boolean fallbackToNearest) {
        this(neighbours, minCount, fallbackToNearest, false);
    }

    /**
     * The authors' rule: k = 1,000 (capped at N), count >= 21, no fallback, over the training set with every copy
     * of a duplicated image counted (LAION's index holds each copy as its own entry; {@link TrainingImages#copies}).
     */
    public static DedupRule authors() {
        return new DedupRule(AUTHORS_NEIGHBOURS, AUTHORS_MIN_COUNT, false, true);
    }

    /** MemScope's earlier rule: k = 10, count >= 3, else the nearest image's caption. */
    public static DedupRule memscope() {
        return new DedupRule(MEMSCOPE_NEIGHBOURS, MEMSCOPE_MIN_COUNT, true);
    }

    /** The neighbours actually searched in a training set of {@code trainingSize} entries: k capped at N. */
    public int neighboursFor(int trainingSize) {
        return Math.min(neighbours, trainingSize);
    }

    /** The CLI's {@code --amg-dedup}: authors (default) or memscope. */
    public static DedupRule parse(String name) {
        return switch (name == null ? "authors" : name.trim().toLowerCase(Locale.ROOT)) {
            case "authors" -> authors();
            case "memscope" -> memscope();
            default -> throw new IllegalArgumentException("--amg-dedup is authors or memscope, not '" + name + "'");
        };
    }

    /** "authors", "memscope" or "custom". */
    public String label() {
        return equals(authors()) ? "authors" : equals(memscope()) ? "memscope" : "custom";
    }

    /** One line, e.g. {@code dedup authors (k = 1000 capped at N, count >= 21, no fallback)}. */
    public String describe() {
        return "dedup " + label() + " (k = " + neighbours + " capped at N, count >= " + minCount + ", "
                + (fallbackToNearest ? "else nearest caption" : "no fallback")
                + (countsCopies ? ", every copy counted" : ", unique images") + ")";
    }

    /** For results.json: rule, k, minCount, fallback. */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rule", label());
        m.put("neighbours", neighbours);
        m.put("neighboursCappedAtTrainingSize", true);
        m.put("minCount", minCount);
        m.put("fallback", fallbackToNearest ? "nearest caption" : "none");
        m.put("countsCopies", countsCopies);
        return m;
    }
}
