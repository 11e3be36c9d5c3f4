package dev.memscope.kernels.cuda;

import static dev.memscope.kernels.cuda.CudaCallException.check;
import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventDestroy;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoDAsync;
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
import dev.memscope.kernels.KernelOp;
import dev.memscope.kernels.NonFinitePolicy;
import dev.memscope.kernels.PixelPair;
import dev.memscope.tensor.Shape;
import dev.memscope.tensor.TensorF32;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;

/**
 * Times every CUDA kernel on device-resident buffers with CUDA events (no transfers, no JVM in the measured
 * interval) and gives two figures per kernel and batch, named as such (see {@link TimingPlan}):
 * <ul>
 *   <li><b>L2-resident</b>: the same buffers every launch; inputs that fit in L2 are read from the cache after the
 *       first launch, so this is cache bandwidth for small batches;</li>
 *   <li><b>HBM</b>: launches rotate through enough copies of the buffers to evict L2 between two uses of one
 *       copy, so inputs come from device memory; this one is compared with the copy kernel's bandwidth
 *       (measured on a buffer far larger than L2).</li>
 * </ul>
 * Each figure is the median over {@code --reps} launches of the event time, and the compulsory traffic (every
 * input read once, every output written once) over that time. The elementwise kernels' non-finite flag is
 * cleared outside the timed interval (once per round) and its memset is timed on its own row, since every
 * checked cfg/amg/linear call pays it once. Used by {@code scripts/gpu-check.sh}.
 *
 * <pre>java -cp memscope.jar dev.memscope.kernels.cuda.CudaKernelTimer [--probe] [--reps N] [--batches 1,16,64,256]
 *     [--image C,H,W]</pre>
 * Exit codes: 0 done, 2 bad arguments, 3 CUDA unavailable (the reason is printed).
 */
public final class CudaKernelTimer implements AutoCloseable {

    /** A copy buffer far larger than any L2 (50 MiB on H100) so the probe measures HBM, not cache. */
    private static final Shape COPY_SHAPE = new Shape(1, 1, 8192, 8192);
    private static final int WARMUP = 5;
    /** Device memory the HBM rotation may use for its copies of the buffers. */
    private static final long MAX_POOL_BYTES = 4L << 30;
    /** Tensors per buffer set: four inputs (a, b, c, d) and an output. */
    private static final int TENSORS = 5;

    /** Launches timed per round; the busy copies in front of a round outlast the host's enqueueing of it. */
    private static final int ROUND = 8;

    private final ResidentKernels r;
    private final CudaOps ops;
    private final CudaContext ctx;
    private final int reps;
    private final CUevent[] events = new CUevent[ROUND + 1];
    private int eventsCreated;
    private final DeviceTensor busySrc;
    private final DeviceTensor busyDst;

    private CudaKernelTimer(ResidentKernels r, int reps) {
        this.r = r;
        this.ops = r.ops();
        this.ctx = ops.context();
        this.reps = reps;
        try {
            for (int i = 0; i < events.length; i++) {
                events[i] = new CUevent();
                check(cuEventCreate(events[i], CUevent_flags.CU_EVENT_DEFAULT), "cuEventCreate");
                eventsCreated++;
            }
            busySrc = r.allocate(COPY_SHAPE);
            busyDst = r.allocate(COPY_SHAPE);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
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
            try (CudaKernelTimer timer = new CudaKernelTimer(kernels.resident(), reps)) {
                timer.run(batches, image);
            }
        }
    }

    private void run(int[] batches, int[] image) {
        System.out.printf(Locale.ROOT, "L2 cache: %d MiB; blocks per SM (occupancy query) x %d SMs:%n",
                ctx.l2Bytes >> 20, ctx.multiprocessors);
        for (Map.Entry<CudaKernel, Integer> e : ctx.residency().entrySet()) {
            System.out.printf(Locale.ROOT, "  %-34s %2d blocks of %d threads%n", e.getKey().entry(), e.getValue(),
                    e.getKey().block());
        }
        double copyGbs = copyBandwidth();
        System.out.printf(Locale.ROOT, "HBM copy bandwidth: %.1f GB/s (copy_quads, %d MiB read + written, median of "
                + "%d)%n", copyGbs, 2 * COPY_SHAPE.size() * 4L >> 20, reps);
        double memsetUs = time(set -> ops.clearFlag(), 1) * 1e3;
        System.out.printf(Locale.ROOT, "non-finite flag memset (paid once per checked cfg/amg/linear call, not in "
                + "the rows below): %.2f us%n", memsetUs);
        System.out.println();
        System.out.println("| kernel | batch | L2-resident us | L2-resident GB/s | HBM us | HBM GB/s | HBM % of copy "
                + "| HBM copies |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
        for (int batch : batches) {
            Shape shape = new Shape(batch, image[0], image[1], image[2]);
            for (Map.Entry<String, Measured> e : measureAll(shape).entrySet()) {
                Measured m = e.getValue();
                double l2Gbs = m.bytes / (m.l2Millis * 1e-3) / 1e9;
                double hbmGbs = m.bytes / (m.hbmMillis * 1e-3) / 1e9;
                System.out.printf(Locale.ROOT, "| %s | %d | %.2f | %.1f | %.2f | %.1f | %.1f | %d%s |%n", e.getKey(),
                        batch, m.l2Millis * 1e3, l2Gbs, m.hbmMillis * 1e3, hbmGbs, 100 * hbmGbs / copyGbs, m.copies,
                        m.evicts ? "" : " (partly cached)");
            }
        }
        System.out.println();
        gemm(1024, 1024, 1024);
        gemm(4096, 1024, 64);
        gemm(64, 1056, 4096);
    }

    private record Measured(double l2Millis, double hbmMillis, long bytes, int copies, boolean evicts) {
    }

    /** A launch on buffer set {@code set} of the rotation. */
    private interface Op {
        void run(int set);
    }

    private Map<String, Measured> measureAll(Shape shape) {
        long n = shape.size();
        long tensorBytes = TimingPlan.aligned(n * Float.BYTES);
        long setBytes = TENSORS * tensorBytes;
        // the lightest launches read two inputs: rotate enough copies that even they evict L2 in between
        long touched = 2 * n * Float.BYTES;
        int copies = TimingPlan.rotation(touched, setBytes, ctx.l2Bytes, MAX_POOL_BYTES);
        boolean evicts = TimingPlan.evicts(copies, touched, ctx.l2Bytes);
        long in2 = 2 * n * Float.BYTES + shape.batch() * 4L;
        long io3 = 3 * n * Float.BYTES;
        Map<String, Measured> out = new LinkedHashMap<>();
        List<AutoCloseable> owned = new ArrayList<>();
        try {
            DeviceTensor pool = own(owned, r.allocate(new Shape(1, 1, copies * TENSORS,
                    Math.toIntExact(tensorBytes / Float.BYTES))));
            for (int k = 0; k < TENSORS - 1; k++) {
                try (DeviceTensor src = r.upload(TensorF32.gaussian(shape, k + 1))) {
                    for (int set = 0; set < copies; set++) {
                        check(cuMemcpyDtoDAsync(view(pool, set, k, tensorBytes), src.ptr(), n * Float.BYTES,
                                ctx.stream), "cuMemcpyDtoDAsync filling the timer's buffer copies");
                    }
                    r.synchronize();
                }
            }
            DeviceVector v = own(owned, r.allocateVector(shape.batch()));
            float[] halves = new float[shape.batch()];
            Arrays.fill(halves, 0.5f);
            DeviceVector scale = own(owned, r.upload(halves));
            CUdeviceptr flag = ops.nonFiniteFlag();
            // buffer k of set s
            java.util.function.BiFunction<Integer, Integer, CUdeviceptr> t = (s, k) -> view(pool, s, k, tensorBytes);
            Map<String, Op> ops1 = new LinkedHashMap<>();
            Map<String, Long> bytes = new LinkedHashMap<>();
            ops1.put("diffNorm", s -> ops.diffNorm(t.apply(s, 0), t.apply(s, 1), shape, v.ptr()));
            bytes.put("diffNorm", in2);
            ops1.put("pixelCosine", s -> ops.pixelCosine(t.apply(s, 0), t.apply(s, 1), shape, PixelPair.PLAIN,
                    v.ptr()));
            bytes.put("pixelCosine", in2);
            for (GuidanceVariant al : GuidanceVariant.values()) {
                String name = "guidanceAlignment " + al.cliName();
                ops1.put(name, s -> ops.pixelCosine(al.first(t.apply(s, 0), t.apply(s, 1)),
                        al.second(t.apply(s, 0), t.apply(s, 1)), shape, al.pair(), v.ptr()));
                bytes.put(name, in2);
            }
            ops1.put("globalCosine", s -> ops.globalCosine(t.apply(s, 0), t.apply(s, 1), shape, v.ptr()));
            bytes.put("globalCosine", in2);
            // every op on the generic path, its traffic from its description: inputs 0.., result in buffer 4
            for (KernelOp op : KernelOp.generics()) {
                int count = op.perSampleParamOrder().size();
                float[] values = new float[Math.max(1, count) * shape.batch()];
                Arrays.fill(values, 0.5f);
                DeviceVector packed = own(owned, r.upload(values));
                java.util.function.IntFunction<CUdeviceptr[]> inputs = s -> java.util.stream.IntStream
                        .range(0, op.requiredInputs().size()).mapToObj(k -> t.apply(s, k)).toArray(CUdeviceptr[]::new);
                CUdeviceptr params = count == 0 ? CudaOps.NULL : packed.ptr();
                ops1.put(op.cliName(), s -> {
                    if (op.perSample()) {
                        ops.genericSum(op, inputs.apply(s), params, shape, v.ptr());
                    } else {
                        ops.genericMap(op, inputs.apply(s), params, shape, t.apply(s, 4), flag);
                    }
                });
                bytes.put(op.cliName(), op.compulsoryBytes(shape.batch(), shape.sampleSize())
                        + (long) count * shape.batch() * 4);
            }
            ops1.put("amg (cfg terms only)", s -> ops.amgKernel(t.apply(s, 0), t.apply(s, 1), null, null,
                    scale.ptr(), null, null, shape, t.apply(s, 4), flag));
            bytes.put("amg (cfg terms only)", io3 + shape.batch() * 4L);
            ops1.put("amg (all terms)", s -> ops.amgKernel(t.apply(s, 0), t.apply(s, 1), t.apply(s, 2),
                    t.apply(s, 3), scale.ptr(), scale.ptr(), scale.ptr(), shape, t.apply(s, 4), flag));
            bytes.put("amg (all terms)", 5 * n * Float.BYTES + 3 * shape.batch() * 4L);
            ops1.put("linear (ddimStep, convert)", s -> ops.linearKernel(t.apply(s, 0), t.apply(s, 1), 0.9f, 0.1f, n,
                    t.apply(s, 4), shape, flag));
            bytes.put("linear (ddimStep, convert)", io3);
            ops1.put("copy (this size)", s -> ops.copy(t.apply(s, 0), t.apply(s, 4), n / 4));
            bytes.put("copy (this size)", 2 * (n / 4) * 16);
            for (Map.Entry<String, Op> e : ops1.entrySet()) {
                ops.clearFlag();
                double l2 = time(e.getValue(), 1);
                double hbm = time(e.getValue(), copies);
                out.put(e.getKey(), new Measured(l2, hbm, bytes.get(e.getKey()), copies, evicts));
            }
        } finally {
            closeAll(owned);
        }
        return out;
    }

    private static CUdeviceptr view(DeviceTensor pool, int set, int k, long tensorBytes) {
        return pool.ptr().withByteOffset(((long) set * TENSORS + k) * tensorBytes);
    }

    private double copyBandwidth() {
        double ms = time(set -> r.copy(busySrc, busyDst), 1);
        return 2.0 * busySrc.bytes() / (ms * 1e-3) / 1e9;
    }

    private void gemm(int m, int n, int k) {
        List<AutoCloseable> owned = new ArrayList<>();
        try {
            DeviceTensor a = own(owned, r.upload(TensorF32.gaussian(new Shape(1, 1, m, k), 5)));
            DeviceTensor b = own(owned, r.upload(TensorF32.gaussian(new Shape(1, 1, n, k), 6)));
            DeviceTensor c = own(owned, r.allocate(new Shape(1, 1, m, n)));
            for (boolean nt : new boolean[] {true, false}) {
                // for NN the same buffer is read as k x n
                double ms = time(set -> ops.sgemm(nt, m, n, k, a.ptr(), b.ptr(), c.ptr()), 1);
                System.out.printf(Locale.ROOT, "sgemm_%s m=%d n=%d k=%d: median %.1f us, %.0f GFLOP/s (L2-resident "
                        + "operands when they fit)%n", nt ? "nt" : "nn", m, n, k, ms * 1e3,
                        2.0 * m * n * k / (ms * 1e-3) / 1e9);
            }
        } finally {
            closeAll(owned);
        }
    }

    /**
     * Median GPU time of {@code reps} launches of {@code op}, after warm-up, in milliseconds; launch i uses buffer
     * set {@code i % sets}. Launches are timed between consecutive events recorded on the stream in rounds of
     * {@link #ROUND}; two 256 MiB copies enqueued before each round keep the GPU busy while the host enqueues it,
     * so an interval holds the kernels' own time (and the gap between back-to-back launches), not JCuda's launch
     * overhead. Those copies also flush L2, so with one set an untimed launch re-warms it before the round.
     */
    private double time(Op op, int sets) {
        int launch = 0;
        for (int i = 0; i < WARMUP; i++) {
            op.run(launch++ % sets);
        }
        r.synchronize();
        double[] ms = new double[reps];
        float[] elapsed = new float[1];
        for (int done = 0; done < reps; ) {
            int round = Math.min(ROUND, reps - done);
            r.copy(busySrc, busyDst);
            r.copy(busySrc, busyDst);
            if (sets == 1) {
                op.run(0);
            }
            for (int i = 0; i <= round; i++) {
                check(cuEventRecord(events[i], ctx.stream), "cuEventRecord");
                if (i < round) {
                    op.run(launch++ % sets);
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

    /** Destroys the events and frees the copy buffers (the timer used to leak its events). */
    @Override
    public void close() {
        for (int i = 0; i < eventsCreated; i++) {
            cuEventDestroy(events[i]);
        }
        eventsCreated = 0;
        if (busySrc != null) {
            busySrc.close();
        }
        if (busyDst != null) {
            busyDst.close();
        }
    }
}
