package dev.memscope.golden;

/**
 * One golden case run on one backend: the comparison, or the error the backend raised instead (a backend that
 * throws on a valid golden case fails it).
 */
public record CaseResult(GoldenCase goldenCase, String backend, Comparison comparison, String error) {

    public boolean passed() {
        return error == null && comparison.passed();
    }

    public String describe() {
        return goldenCase.name() + " on " + backend + ": "
                + (error != null ? "FAIL: the backend threw " + error : comparison.describe());
    }
}
