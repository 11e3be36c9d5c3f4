package dev.memscope.kernels.cuda;

import static dev.memscope.kernels.cuda.CudaCallException.check;
import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRelease;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuDriverGetVersion;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static jcuda.driver.JCudaDriver.cuModuleUnload;
import static jcuda.driver.JCudaDriver.cuMemsetD32Async;
import static jcuda.driver.JCudaDriver.cuOccupancyMaxActiveBlocksPerMultiprocessor;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamDestroy;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;

/**
 * Device 0's primary context, the kernel module loaded from the embedded fatbin, and one stream: what every CUDA
 * object of this package works on. Open only after {@link CudaAvailability#unavailableReason()} returned null.
 * Every driver call is checked. Driver calls bind to the calling thread's current context, so each public entry
 * point calls {@link #makeCurrent()} first.
 */
final class CudaContext implements LaunchTarget, AutoCloseable {
    /** Threads per block of every reduction and elementwise kernel (MS_BLOCK in kernels/common.cuh). */
    static final int BLOCK = 256;
    /** Threads per block of the finish kernels (MS_FINISH). */
    static final int FINISH_BLOCK = 32;
    /** Largest gridDim.y and gridDim.z. */
    static final int MAX_GRID_Y = 65535;

    final CUdevice device = new CUdevice();
    final CUcontext context = new CUcontext();
    final CUmodule module = new CUmodule();
    final CUstream stream = new CUstream();
    final int multiprocessors;
    /** L2 cache size in bytes (50 MiB on H100 and H200): the timer rotates buffers past it. */
    final long l2Bytes;
    final int computeMajor;
    final int computeMinor;
    final String deviceName;
    final int driverVersion;

    private final Map<String, CUfunction> functions = new HashMap<>();
    /** Blocks per SM of each kernel, from the driver's occupancy calculator, queried once when the module loads. */
    private final Map<CudaKernel, Integer> resident = new LinkedHashMap<>();
    private boolean retained;
    private boolean moduleLoaded;
    private boolean streamCreated;

    private CudaContext() {
        check(cuDeviceGet(device, 0), "cuDeviceGet(0)");
        check(cuDevicePrimaryCtxRetain(context, device), "cuDevicePrimaryCtxRetain(device 0)");
        retained = true;
        try {
            makeCurrent();
            multiprocessors = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
            l2Bytes = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE);
            computeMajor = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
            computeMinor = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
            byte[] name = new byte[256];
            check(cuDeviceGetName(name, name.length, device), "cuDeviceGetName");
            int len = 0;
            while (len < name.length && name[len] != 0) {
                len++;
            }
            deviceName = new String(name, 0, len, StandardCharsets.US_ASCII);
            int[] version = new int[1];
            check(cuDriverGetVersion(version), "cuDriverGetVersion");
            driverVersion = version[0];
            check(cuModuleLoadData(module, CudaAvailability.fatbin()),
                    "cuModuleLoadData(" + CudaAvailability.FATBIN_RESOURCE + ") on device 0 (compute "
                            + computeMajor + "." + computeMinor + ")");
            moduleLoaded = true;
            for (CudaKernel kernel : CudaKernel.values()) {
                resident.put(kernel, occupancy(kernel));
            }
            check(cuStreamCreate(stream, CUstream_flags.CU_STREAM_NON_BLOCKING), "cuStreamCreate");
            streamCreated = true;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Device 0's primary context with the kernels loaded and a stream: the one the availability probe opened if
     * nobody took it yet (so the module is loaded once per process in the common case), else a new one.
     */
    static CudaContext open() {
        CudaContext probed = CudaAvailability.takeProbeContext();
        return probed != null ? probed : openNew();
    }

    /** Retains device 0's primary context, loads the kernels and creates the stream (all undone on failure). */
    static CudaContext openNew() {
        return new CudaContext();
    }

    void makeCurrent() {
        check(cuCtxSetCurrent(context), "cuCtxSetCurrent");
    }

    CUfunction function(String name) {
        return functions.computeIfAbsent(name, n -> {
            CUfunction f = new CUfunction();
            check(cuModuleGetFunction(f, module, n), "cuModuleGetFunction(" + n + ")");
            return f;
        });
    }

    /**
     * Looks the kernel up (a missing entry fails here, at load) and asks the driver how many of its blocks fit on
     * one SM with the registers and shared memory ptxas gave it. Zero means the kernel cannot launch at its block
     * size at all, which is a build error, so it throws.
     */
    private int occupancy(CudaKernel kernel) {
        int[] blocks = new int[1];
        check(cuOccupancyMaxActiveBlocksPerMultiprocessor(blocks, function(kernel.entry()), kernel.block(), 0),
                "cuOccupancyMaxActiveBlocksPerMultiprocessor(" + kernel.entry() + ", " + kernel.block() + ")");
        if (blocks[0] < 1) {
            throw new IllegalStateException("kernel " + kernel.entry() + " cannot run " + kernel.block()
                    + "-thread blocks on " + deviceName + " (occupancy calculator: 0 blocks per SM)");
        }
        return blocks[0];
    }

    @Override
    public int multiprocessors() {
        return multiprocessors;
    }

    @Override
    public int residentBlocks(CudaKernel kernel) {
        return resident.get(kernel);
    }

    /** Every kernel's blocks per SM, in table order, for reports (CudaKernelTimer prints them). */
    Map<CudaKernel, Integer> residency() {
        return java.util.Collections.unmodifiableMap(resident);
    }

    /** Enqueues a kernel on the stream; {@code sizes} describes the problem for the error message. */
    @Override
    public void launch(KernelArgs args, int gridX, int gridY, int gridZ, Supplier<String> sizes) {
        CudaKernel kernel = args.kernel();
        Pointer params = args.pack();
        int block = kernel.block();
        int rc = cuLaunchKernel(function(kernel.entry()), gridX, gridY, gridZ, block, 1, 1, 0, stream, params, null);
        check(rc, () -> "launch of kernel " + kernel.entry() + " (grid " + gridX + "x" + gridY + "x" + gridZ
                + ", block " + block + ") for " + sizes.get());
    }

    @Override
    public Scratch scratch(String name) {
        return new DeviceBuffer(this, name);
    }

    @Override
    public void zeroInt(CUdeviceptr p, String what) {
        check(cuMemsetD32Async(p, 0, 1, stream), "cuMemsetD32Async of " + what);
    }

    /** Waits for everything enqueued; a kernel fault surfaces here, named by {@code what}. */
    void synchronize(Supplier<String> what) {
        check(cuStreamSynchronize(stream), () -> "cuStreamSynchronize after " + what.get());
    }

    /** Frees a device allocation once queued work that may read it is done; never throws (used by close()). */
    void free(CUdeviceptr p) {
        cuCtxSetCurrent(context);
        cuStreamSynchronize(stream);
        cuMemFree(p);
    }

    String describe() {
        return deviceName + " (compute " + computeMajor + "." + computeMinor + ", " + multiprocessors
                + " SMs, driver " + driverVersion / 1000 + "." + (driverVersion % 1000) / 10 + ")";
    }

    private int attribute(int attribute) {
        int[] v = new int[1];
        check(cuDeviceGetAttribute(v, attribute, device), "cuDeviceGetAttribute(" + attribute + ")");
        return v[0];
    }

    @Override
    public void close() {
        if (retained) {
            cuCtxSetCurrent(context);
        }
        if (streamCreated) {
            cuStreamSynchronize(stream);
            cuStreamDestroy(stream);
            streamCreated = false;
        }
        if (moduleLoaded) {
            cuModuleUnload(module);
            moduleLoaded = false;
        }
        if (retained) {
            cuDevicePrimaryCtxRelease(device);
            retained = false;
        }
    }
}
