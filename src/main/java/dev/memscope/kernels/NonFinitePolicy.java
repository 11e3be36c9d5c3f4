package dev.memscope.kernels;

/**
 * What a kernel does when a NaN or infinity appears. {@link #REJECT} (the default) throws a
 * {@link NonFiniteException} naming the tensor, sample and element; {@link #PROPAGATE} lets IEEE arithmetic
 * carry it into the result, for callers who filter afterwards (command line: {@code --allow-nonfinite}).
 */
public enum NonFinitePolicy {
    REJECT, PROPAGATE
}
