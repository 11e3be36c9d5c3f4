package dev.memscope.bench;

import java.util.Map;
import java.util.SortedMap;

/**
 * One benchmark of a JMH JSON result: its primary metric in the unit JMH reported, and each secondary metric's
 * score. {@code scoreError} is NaN where JMH could not estimate it (a single iteration), and then the confidence
 * interval is the score itself. {@code median} is the 50th percentile where JMH wrote percentiles, else the score.
 */
public record JmhResult(String file, String benchmark, String mode, SortedMap<String, String> params,
                        double score, double scoreError, double low, double high, String unit,
                        double median, Map<String, Metric> secondary) {

    /** A secondary metric (a JMH counter, a profiler's output) in its own unit. */
    public record Metric(double score, String unit) {
    }

    /** The primary score converted to seconds per op (time modes) or ops per second (thrpt). */
    public double canonical(double value) {
        return value * Units.toCanonical(mode, unit);
    }

    /** The benchmark method without its package, e.g. {@code KernelBench.diffNorm}. */
    public String shortName() {
        String[] parts = benchmark.split("\\.");
        return parts.length >= 2 ? parts[parts.length - 2] + "." + parts[parts.length - 1] : benchmark;
    }

    /** The benchmark class without its package, e.g. {@code KernelBench}. */
    public String suite() {
        String[] parts = benchmark.split("\\.");
        return parts.length >= 2 ? parts[parts.length - 2] : benchmark;
    }

    /** The method name, e.g. {@code diffNorm}. */
    public String method() {
        return benchmark.substring(benchmark.lastIndexOf('.') + 1);
    }

    /** Name plus params: what matches one run's benchmark to another's. */
    public String key() {
        return params.isEmpty() ? shortName() : shortName() + " " + paramsText();
    }

    public String paramsText() {
        StringBuilder sb = new StringBuilder();
        params.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ",").append(k).append('=').append(v));
        return sb.toString();
    }
}
