package dev.memscope.detect;

import dev.memscope.model.Denoiser;
import dev.memscope.model.JacobianDenoiser;

/** Finds a model's exact Jacobian-vector products, looking through {@link CountingDenoiser} wrappers. */
public final class Jacobians {
    private Jacobians() {
    }

    /** The model as a {@link JacobianDenoiser} (passes still counted by any wrapper), or null if it has no JVP. */
    public static JacobianDenoiser exact(Denoiser model) {
        if (model instanceof JacobianDenoiser j) {
            return j;
        }
        if (model instanceof CountingDenoiser c) {
            return c.jacobian();
        }
        return null;
    }
}
