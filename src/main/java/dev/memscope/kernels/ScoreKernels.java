package dev.memscope.kernels;

import dev.memscope.tensor.TensorF32;

/**
 * The batched metric and guidance operations every detector and sampler is built from. Tensors are float32
 * {@code [B, C, H, W]}; per-sample results go to a caller's {@code float[B]}; elementwise results to a caller's
 * tensor of the input shape (which may alias an input).
 *
 * <p>Every backend (scalar, cpu, cuda, the ND4J reference in tests) implements the same definitions, checked
 * against the same golden outputs; {@link CheckedKernels} does the argument checks once for all of them.
 * Instances are not thread-safe: they own reusable scratch buffers.
 */
public interface ScoreKernels extends AutoCloseable {

    /** Clamp on each vector norm in the cosines, as in {@code torch.nn.functional.cosine_similarity}. */
    double COSINE_EPS = 1e-8;

    /** Short name used on the command line and in reports: {@code scalar}, {@code cpu}, {@code cuda}, ... */
    String name();

    /** {@code out[b] = ||a_b - b_b||_2} over all C*H*W elements of sample b. */
    void diffNorm(TensorF32 a, TensorF32 b, float[] out);

    /**
     * {@code out[b]} = mean over the H*W pixels of the cosine between the C-channel vectors of {@code u} and
     * {@code v} at that pixel, each norm clamped at {@link #COSINE_EPS}.
     */
    void pixelCosine(TensorF32 u, TensorF32 v, float[] out);

    /**
     * Fused guidance alignment: the mean per-pixel cosine of the pair the variant names, computed from
     * {@code eps_c} and {@code eps_u} without materializing {@code eps_c - eps_u}.
     */
    void guidanceAlignment(TensorF32 epsC, TensorF32 epsU, GuidanceVariant variant, float[] out);

    /** The anisotropy metric's alignment, {@code cos(eps_u, eps_c - eps_u)} per pixel. */
    default void guidanceAlignment(TensorF32 epsC, TensorF32 epsU, float[] out) {
        guidanceAlignment(epsC, epsU, GuidanceVariant.UNCOND_VS_GUIDANCE, out);
    }

    /** {@code out[b]} = cosine between samples {@code u_b} and {@code v_b} as flat vectors (norms clamped). */
    void globalCosine(TensorF32 u, TensorF32 v, float[] out);

    /** Classifier-free guidance {@code out = eps_u + scale[b] * (eps_c - eps_u)}. An op on the generic path. */
    void cfg(TensorF32 epsU, TensorF32 epsC, float[] scale, TensorF32 out);

    /**
     * The AMG combined update
     * {@code out = eps_u + (s0 - s1[b])*(eps_c - eps_u) + s2[b]*(eps_u - eps_n) + c3[b]*sqrt(1 - abarT)*g}.
     * {@code epsN} (with {@code s2}) and {@code g} (with {@code c3}) are optional: pass null to drop the term.
     */
    void amg(TensorF32 epsU, TensorF32 epsC, TensorF32 epsN, TensorF32 g,
             double s0, float[] s1, float[] s2, float[] c3, double abarT, TensorF32 out);

    /** {@code out[b]} = mean over C*H*W of {@code (pred - target)^2}. An op on the generic path. */
    void mse(TensorF32 pred, TensorF32 target, float[] out);

    /**
     * Runs an op on the generic path ({@link KernelOp#generic()}) on the operands in {@code args}; ops without a
     * method of their own here are called this way: {@code run(OpArgs.of(op).input(a).input(b).into(out))}.
     * Arguments are checked against the op's {@link KernelOp} description.
     */
    void run(OpArgs args);

    /**
     * One deterministic DDIM step (eta = 0): {@code x0 = (x_t - sqrt(1 - abarT) eps) / sqrt(abarT)},
     * {@code out = sqrt(abarPrev) x0 + sqrt(1 - abarPrev) eps}.
     */
    void ddimStep(TensorF32 xt, TensorF32 eps, double abarT, double abarPrev, TensorF32 out);

    /** Converts a model output between eps, v and predicted x0 at noise level {@code abar}; see {@link Conversion}. */
    void convert(Conversion conversion, TensorF32 xt, TensorF32 in, double abar, TensorF32 out);

    /** Releases native resources; CPU backends release their worker threads. */
    @Override
    default void close() {
    }
}
