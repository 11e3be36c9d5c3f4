package dev.memscope.kernels;

/** A NaN or infinity found in a kernel's input (or produced by overflow); the message locates it. */
public final class NonFiniteException extends IllegalArgumentException {
    public NonFiniteException(String message) {
        super(message);
    }
}
