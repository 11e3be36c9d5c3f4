package dev.memscope.kernels.cuda;

import static dev.memscope.kernels.cuda.CudaCallException.check;
import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventElapsedTime;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuEventSynchronize;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.memscope.kernels.GuidanceVariant;
import dev.memscope.kernels.NonFinitePolicy;
import dev.memscope.tensor.Shape;
import dev.memscope.tensor.TensorF32;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;

/**
 * Times every CUDA kernel on device-resident buffers with CUDA events (no transfers, no JVM in the measured
 * interval) and compares each with the device's copy bandwidth measured by our own copy kernel. Used by
 * {@code scripts/gpu-check.sh} on GPU machines that have no JMH; the JMH suite measures the same kernels through
 * {@link ResidentKernels} with wall-clock time.
 *
 * <p>For each operation and batch: the median over {@code --reps} launches of the event time, the compulsory
 * traffic (every input read once, every output written once) divided by that time, and that rate as a percentage
 * of the copy kernel's rate (read + write bytes over time, on a buffer much larger than the L2 cache).
 *
 * <pre>java -cp memscope.jar dev.memscope.kernels.cuda.CudaKernelTimer [--probe] [--reps N] [--batches 1,16,64,256]
 *     [--image C,H,W]</pre>
 * Exit codes: 0 done, 2 bad arguments, 3 CUDA unavailable (the reason is printed).
 */
public final class CudaKernelTimer {

    /** A copy buffer far larger than any L2 (50 MiB on H100) so the probe measures HBM, not cache. */
    private static final Shape COPY_SHAPE = new Shape(1, 1, 8192, 8192);
    private static final int WARMUP = 5;

    /** Launches timed per round; the busy copies in front of a round outlast the host's enqueueing of it. */
    private static final int ROUND = 8;

    private final ResidentKernels r;
    private final CudaContext ctx;
    private final int reps;
    private final CUevent[] events = new CUevent[ROUND + 1];
    private final DeviceTensor busySrc;
    private final DeviceTensor busyDst;

    private CudaKernelTimer(ResidentKernels r, int reps) {
        this.r = r;
        this.ctx = r.ops().context();
        this.reps = reps;
        for (int i = 0; i < events.length; i++) {
            events[i] = new CUevent();
            check(cuEventCreate(events[i], CUevent_flags.CU_EVENT_DEFAULT), "cuEventCreate");
        }
        busySrc = r.allocate(COPY_SHAPE);
        busyDst = r.allocate(COPY_SHAPE);
    }

    public static void main(String[] args) {
        int reps = 50;
        int[] batches = {1, 16, 64, 256};
        int[] image = {4, 64, 64};
        boolean probe = false;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--probe" -> probe = true;
                    case "--reps" -> reps = Integer.parseInt(args[++i]);
                    case "--batches" -> batches = ints(args[++i]);
                    case "--image" -> image = ints(args[++i]);
                    default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
                }
            }
            if (reps < 1 || image.length != 3) {
                throw new IllegalArgumentException("--reps must be >= 1 and --image must be C,H,W");
            }
        } catch (RuntimeException e) {
            System.err.println("CudaKernelTimer: " + e.getMessage());
            System.err.println("usage: CudaKernelTimer [--probe] [--reps N] [--batches 1,16,64,256] [--image C,H,W]");
            System.exit(2);
            return;
        }
        String why = CudaAvailability.unavailableReason();
        if (why != null) {
            System.err.println("CUDA unavailable: " + why);
            System.exit(3);
            return;
        }
        try (CudaKernels kernels = new CudaKernels(NonFinitePolicy.PROPAGATE)) {
            System.out.println("device: " + kernels.device());
            if (probe) {
                return;
            }
            CudaKernelTimer timer = new CudaKernelTimer(kernels.resident(), reps);
            timer.run(batches, image);
        }
    }

    private void run(int[] batches, int[] image) {
        double copyGbs = copyBandwidth();
        System.out.printf(Locale.ROOT, "copy bandwidth: %.1f GB/s (copy_quads, %d MiB read + written, median of %d)%n",
                copyGbs, 2 * COPY_SHAPE.size() * 4L >> 20, reps);
        System.out.println();
        System.out.println("| kernel | batch | median us | GB/s | % of copy |");
        System.out.println("|---|---:|---:|---:|---:|");
        for (int batch : batches) {
            Shape shape = new Shape(batch, image[0], image[1], image[2]);
            for (Map.Entry<String, Measured> e : measureAll(shape).entrySet()) {
                Measured m = e.getValue();
                double gbs = m.bytes / (m.millis * 1e-3) / 1e9;
                System.out.printf(Locale.ROOT, "| %s | %d | %.2f | %.1f | %.1f |%n", e.getKey(), batch,
                        m.millis * 1e3, gbs, 100 * gbs / copyGbs);
            }
        }
        System.out.println();
        gemm(1024, 1024, 1024);
        gemm(4096, 1024, 64);
    }

    private record Measured(double millis, long bytes) {
    }

    private Map<String, Measured> measureAll(Shape shape) {
        long n = shape.size();
        long in2 = 2 * n * Float.BYTES + shape.batch() * 4L;
        long io3 = 3 * n * Float.BYTES;
        Map<String, Measured> out = new LinkedHashMap<>();
        List<AutoCloseable> owned = new ArrayList<>();
        try {
            DeviceTensor a = own(owned, r.upload(TensorF32.gaussian(shape, 1)));
            DeviceTensor b = own(owned, r.upload(TensorF32.gaussian(shape, 2)));
            DeviceTensor c = own(owned, r.upload(TensorF32.gaussian(shape, 3)));
            DeviceTensor d = own(owned, r.upload(TensorF32.gaussian(shape, 4)));
            DeviceTensor o = own(owned, r.allocate(shape));
            DeviceVector v = own(owned, r.allocateVector(shape.batch()));
            float[] ones = new float[shape.batch()];
            Arrays.fill(ones, 0.5f);
            DeviceVector scale = own(owned, r.upload(ones));
            out.put("diffNorm", new Measured(time(() -> r.diffNorm(a, b, v)), in2));
            out.put("mse", new Measured(time(() -> r.mse(a, b, v)), in2));
            out.put("pixelCosine", new Measured(time(() -> r.pixelCosine(a, b, v)), in2));
            for (GuidanceVariant al : GuidanceVariant.values()) {
                out.put("guidanceAlignment " + al, new Measured(time(() -> r.guidanceAlignment(a, b, al, v)), in2));
            }
            out.put("globalCosine", new Measured(time(() -> r.globalCosine(a, b, v)), in2));
            out.put("cfg", new Measured(time(() -> r.cfg(a, b, scale, o)), io3 + shape.batch() * 4L));
            out.put("amg (cfg terms only)", new Measured(time(() -> r.amg(a, b, null, null, scale, null, null, o)),
                    io3 + shape.batch() * 4L));
            out.put("amg (all terms)", new Measured(time(() -> r.amg(a, b, c, d, scale, scale, scale, o)),
                    5 * n * Float.BYTES + 3 * shape.batch() * 4L));
            out.put("linear (ddimStep, convert)", new Measured(time(() -> r.linear(a, b, 0.9, 0.1, o)), io3));
            out.put("copy (this size)", new Measured(time(() -> r.copy(a, o)), 2 * n * Float.BYTES));
        } finally {
            closeAll(owned);
        }
        return out;
    }

    private double copyBandwidth() {
        double ms = time(() -> r.copy(busySrc, busyDst));
        return 2.0 * busySrc.bytes() / (ms * 1e-3) / 1e9;
    }

    private void gemm(int m, int n, int k) {
        CudaOps ops = r.ops();
        List<AutoCloseable> owned = new ArrayList<>();
        try {
            DeviceTensor a = own(owned, r.upload(TensorF32.gaussian(new Shape(1, 1, m, k), 5)));
            DeviceTensor b = own(owned, r.upload(TensorF32.gaussian(new Shape(1, 1, n, k), 6)));
            DeviceTensor c = own(owned, r.allocate(new Shape(1, 1, m, n)));
            for (boolean nt : new boolean[] {true, false}) {
                // for NN the same buffer is read as k x n
                double ms = time(() -> ops.sgemm(nt, m, n, k, a.ptr(), b.ptr(), c.ptr()));
                System.out.printf(Locale.ROOT, "sgemm_%s m=%d n=%d k=%d: median %.1f us, %.0f GFLOP/s%n",
                        nt ? "nt" : "nn", m, n, k, ms * 1e3, 2.0 * m * n * k / (ms * 1e-3) / 1e9);
            }
        } finally {
            closeAll(owned);
        }
    }

    /**
     * Median GPU time of {@code reps} launches of {@code op}, after warm-up, in milliseconds. Launches are timed
     * between consecutive events recorded on the stream in rounds of {@link #ROUND}; two 256 MiB copies enqueued
     * before each round keep the GPU busy while the host enqueues it, so an interval holds the kernels' own time
     * (and the gap between back-to-back launches), not JCuda's launch overhead.
     */
    private double time(Runnable op) {
        for (int i = 0; i < WARMUP; i++) {
            op.run();
        }
        r.synchronize();
        double[] ms = new double[reps];
        float[] elapsed = new float[1];
        for (int done = 0; done < reps; ) {
            int round = Math.min(ROUND, reps - done);
            r.copy(busySrc, busyDst);
            r.copy(busySrc, busyDst);
            for (int i = 0; i <= round; i++) {
                check(cuEventRecord(events[i], ctx.stream), "cuEventRecord");
                if (i < round) {
                    op.run();
                }
            }
            check(cuEventSynchronize(events[round]), "cuEventSynchronize (a timed kernel failed)");
            for (int i = 0; i < round; i++) {
                check(cuEventElapsedTime(elapsed, events[i], events[i + 1]), "cuEventElapsedTime");
                ms[done + i] = elapsed[0];
            }
            done += round;
        }
        Arrays.sort(ms);
        return reps % 2 == 1 ? ms[reps / 2] : 0.5 * (ms[reps / 2 - 1] + ms[reps / 2]);
    }

    private static <T extends AutoCloseable> T own(List<AutoCloseable> owned, T t) {
        owned.add(t);
        return t;
    }

    private static void closeAll(List<AutoCloseable> owned) {
        for (AutoCloseable a : owned) {
            try {
                a.close();
            } catch (Exception e) {
                // device memory frees do not throw
            }
        }
    }

    private static int[] ints(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
    }

}
