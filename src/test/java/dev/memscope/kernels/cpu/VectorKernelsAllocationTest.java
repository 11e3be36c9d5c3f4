package dev.memscope.kernels.cpu;

import dev.memscope.kernels.GuidanceVariant;
import dev.memscope.kernels.NonFinitePolicy;
import dev.memscope.tensor.Shape;
import dev.memscope.tensor.TensorF32;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.Map;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The cpu backend allocates nothing per call once warm (the claim JMH's {@code -prof gc} column backs): every op's
 * arguments go through its preallocated holder. Shapes below the inline limit run on this thread, so this
 * thread's allocation counter sees everything a call allocates.
 */
class VectorKernelsAllocationTest {
    private static final int CALLS = 2_000;
    private static final long WARM_UP_LIMIT_NANOS = 60_000_000_000L;

    private interface Calls {
        void run(int times);
    }

    @Test
    void noOpAllocatesPerCallOnceWarm() {
        var mx = ManagementFactory.getThreadMXBean();
        assumeTrue(mx instanceof com.sun.management.ThreadMXBean t && t.isThreadAllocatedMemorySupported(),
                "this JVM cannot count a thread's allocations");
        var threadMx = (com.sun.management.ThreadMXBean) mx;
        Shape shape = new Shape(3, 4, 8, 8);
        TensorF32 a = TensorF32.gaussian(shape, 1);
        TensorF32 b = TensorF32.gaussian(shape, 2);
        TensorF32 c = TensorF32.gaussian(shape, 3);
        TensorF32 d = TensorF32.gaussian(shape, 4);
        TensorF32 out = TensorF32.zeros(shape);
        float[] perSample = new float[3];
        float[] coef = {1.5f, 2f, 0.5f};
        try (VectorKernels k = new VectorKernels(NonFinitePolicy.REJECT, 2)) {
            // Each op loops inside its own lambda so its call site stays monomorphic, as in a real caller; one
            // shared call site for all eight would defeat the inlining that removes CheckedKernels' varargs.
            Map<String, Calls> ops = Map.of(
                    "diffNorm", n -> {
                        for (int i = 0; i < n; i++) {
                            k.diffNorm(a, b, perSample);
                        }
                    },
                    "mse", n -> {
                        for (int i = 0; i < n; i++) {
                            k.mse(a, b, perSample);
                        }
                    },
                    "pixelCosine", n -> {
                        for (int i = 0; i < n; i++) {
                            k.pixelCosine(a, b, perSample);
                        }
                    },
                    "guidanceAlignment", n -> {
                        for (int i = 0; i < n; i++) {
                            k.guidanceAlignment(a, b, GuidanceVariant.COND_VS_GUIDANCE, perSample);
                        }
                    },
                    "globalCosine", n -> {
                        for (int i = 0; i < n; i++) {
                            k.globalCosine(a, b, perSample);
                        }
                    },
                    "cfg", n -> {
                        for (int i = 0; i < n; i++) {
                            k.cfg(a, b, coef, out);
                        }
                    },
                    "amg", n -> {
                        for (int i = 0; i < n; i++) {
                            k.amg(a, b, c, d, 7.5, coef, coef, coef, 0.5, out);
                        }
                    },
                    "ddimStep", n -> {
                        for (int i = 0; i < n; i++) {
                            k.ddimStep(a, b, 0.5, 0.7, out);
                        }
                    });
            SoftAssertions soft = new SoftAssertions();
            ops.forEach((name, op) -> {
                // Steady state is when C2 has compiled the call path and scalar-replaced CheckedKernels' varargs;
                // on a loaded machine the compiler threads take a while, so measure rounds until one is clean.
                long deadline = System.nanoTime() + WARM_UP_LIMIT_NANOS;
                long bytes;
                do {
                    long before = threadMx.getThreadAllocatedBytes(Thread.currentThread().getId());
                    op.run(CALLS);
                    bytes = threadMx.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
                } while (bytes >= CALLS && System.nanoTime() < deadline);
                // a single stray allocation per call would be >= 16 bytes x CALLS
                soft.assertThat(bytes).as("%s: bytes allocated by %d warm calls", name, CALLS).isLessThan(CALLS);
            });
            soft.assertAll();
        }
    }
}
