package dev.memscope.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares a new JMH run with a base run, benchmark by benchmark (matched by name and params). A change counts
 * only when it is both outside the noise and larger than the threshold: the two runs' confidence intervals must
 * not overlap (overlap means JMH cannot tell them apart) and the relative change must be at least the threshold
 * (a significant but tiny shift is not worth a red build). Scores are converted to one unit per mode first, so
 * a run in us/op compares with one in ms/op; the same benchmark in different modes is refused.
 */
public final class BenchComparison {

    /** One matched benchmark. {@code change} is (new - base) / base in the canonical unit; positive = larger. */
    public record Row(String key, String mode, String unit, double base, double baseError, double fresh,
                      double freshError, double change, Verdict verdict) {
    }

    private final List<Row> rows;
    private final List<String> onlyInBase;
    private final List<String> onlyInNew;
    private final List<String> newParams;

    private BenchComparison(List<Row> rows, List<String> onlyInBase, List<String> onlyInNew, List<String> newParams) {
        this.rows = rows;
        this.onlyInBase = onlyInBase;
        this.onlyInNew = onlyInNew;
        this.newParams = newParams;
    }

    /**
     * @param threshold relative change below which a difference is "same", e.g. 0.05 for 5 %
     */
    public static BenchComparison compare(List<JmhResult> base, List<JmhResult> fresh, double threshold) {
        if (!(threshold >= 0) || !Double.isFinite(threshold)) {
            throw new IllegalArgumentException("threshold must be a finite number >= 0, got " + threshold);
        }
        if (base.isEmpty() || fresh.isEmpty()) {
            throw new IllegalArgumentException("nothing to compare: " + (base.isEmpty() ? "base" : "new")
                    + " has no results");
        }
        base.forEach(BenchComparison::requireSane);
        fresh.forEach(BenchComparison::requireSane);
        Map<String, JmhResult> baseByKey = byKey(base);
        Map<String, JmhResult> newByKey = byKey(fresh);
        List<Row> rows = new ArrayList<>();
        List<String> onlyInBase = new ArrayList<>();
        for (Map.Entry<String, JmhResult> e : baseByKey.entrySet()) {
            JmhResult n = newByKey.get(e.getKey());
            if (n == null) {
                onlyInBase.add(e.getKey());
            } else {
                rows.add(row(e.getValue(), n, threshold));
            }
        }
        Set<String> baseNames = new LinkedHashSet<>();
        base.forEach(r -> baseNames.add(r.shortName()));
        List<String> onlyInNew = new ArrayList<>();
        List<String> newParams = new ArrayList<>();
        for (String key : newByKey.keySet()) {
            if (!baseByKey.containsKey(key)) {
                (baseNames.contains(newByKey.get(key).shortName()) ? newParams : onlyInNew).add(key);
            }
        }
        if (rows.isEmpty()) {
            // nothing compared is no evidence of "nothing slower": a CI gate must not pass on it
            throw new IllegalArgumentException(base.get(0).file() + " and " + fresh.get(0).file() + " have no "
                    + "benchmark in common (base: " + abbreviate(baseByKey.keySet()) + "; new: "
                    + abbreviate(newByKey.keySet()) + ")");
        }
        return new BenchComparison(Collections.unmodifiableList(rows), List.copyOf(onlyInBase),
                List.copyOf(onlyInNew), List.copyOf(newParams));
    }

    /**
     * A time or a throughput is positive, and a confidence interval runs from low to high around the score; anything
     * else is a damaged or hand-edited file whose verdict would be nonsense (a change relative to 0 or to a negative
     * base). A NaN interval is JMH's way of saying it had one iteration, and is accepted.
     */
    private static void requireSane(JmhResult r) {
        if (!(r.score() > 0) || !Double.isFinite(r.score())) {
            throw new IllegalArgumentException(r.file() + ": " + r.key() + " has score " + r.score()
                    + "; a time or throughput must be a finite number > 0");
        }
        if (Double.isNaN(r.low()) || Double.isNaN(r.high())) {
            return;
        }
        if (r.low() > r.high()) {
            throw new IllegalArgumentException(r.file() + ": " + r.key() + " has an inverted confidence interval ["
                    + r.low() + ", " + r.high() + "]");
        }
        if (r.score() < r.low() || r.score() > r.high()) {
            throw new IllegalArgumentException(r.file() + ": " + r.key() + " has score " + r.score()
                    + " outside its confidence interval [" + r.low() + ", " + r.high() + "]");
        }
    }

    private static String abbreviate(java.util.Collection<String> keys) {
        List<String> list = new ArrayList<>(keys);
        String shown = String.join(", ", list.subList(0, Math.min(3, list.size())));
        return list.size() > 3 ? shown + ", ... " + list.size() + " in all" : shown;
    }

    private static Map<String, JmhResult> byKey(List<JmhResult> results) {
        Map<String, JmhResult> map = new LinkedHashMap<>();
        for (JmhResult r : results) {
            JmhResult previous = map.put(r.key(), r);
            if (previous != null) {
                throw new IllegalArgumentException(r.file() + ": " + r.key() + " appears twice (modes "
                        + previous.mode() + " and " + r.mode() + "); compare one mode at a time");
            }
        }
        return map;
    }

    private static Row row(JmhResult base, JmhResult fresh, double threshold) {
        if (!base.mode().equals(fresh.mode())) {
            throw new IllegalArgumentException(base.key() + ": mode " + base.mode() + " in " + base.file()
                    + " but " + fresh.mode() + " in " + fresh.file() + "; run both in the same mode");
        }
        String mode = base.mode();
        // Report in the base's unit: the new run's numbers are scaled into it.
        double toBase = Units.toCanonical(mode, fresh.unit()) / Units.toCanonical(mode, base.unit());
        double newScore = fresh.score() * toBase;
        double newLow = fresh.low() * toBase;
        double newHigh = fresh.high() * toBase;
        double change = (newScore - base.score()) / base.score();
        boolean overlap = newLow <= base.high() && base.low() <= newHigh;
        Verdict verdict;
        if (overlap || Math.abs(change) < threshold) {
            verdict = Verdict.SAME;
        } else {
            boolean larger = newScore > base.score();
            verdict = larger == Units.higherIsBetter(mode) ? Verdict.FASTER : Verdict.SLOWER;
        }
        return new Row(base.key(), mode, base.unit(), base.score(), base.scoreError(), newScore,
                fresh.scoreError() * toBase, change, verdict);
    }

    public List<Row> rows() {
        return rows;
    }

    /** Benchmarks (name + params) in the base run that the new run lacks. */
    public List<String> onlyInBase() {
        return onlyInBase;
    }

    /** Benchmarks whose name the base run does not have at all. */
    public List<String> onlyInNew() {
        return onlyInNew;
    }

    /** Benchmarks the base run has, but not with these params. */
    public List<String> newParams() {
        return newParams;
    }

    public boolean anySlower() {
        return rows.stream().anyMatch(r -> r.verdict() == Verdict.SLOWER);
    }
}
