package dev.memscope.kernels.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;

import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/**
 * Decides once per JVM whether the CUDA backend can run here, and if not, says why in one line. The probe walks
 * the chain in order (fatbin in the jar, JCuda's native library, libcuda.so.1, cuInit, a device, its compute
 * capability, loading the module) and turns every failure, including the {@link LinkageError}s a missing
 * driver causes, into a reason string: asking never crashes and never throws.
 */
public final class CudaAvailability {

    /** Where the build puts the kernels compiled by nvcc. */
    public static final String FATBIN_RESOURCE = "/dev/memscope/kernels/cuda/memscope.fatbin";

    /** The fatbin holds sm_80 and sm_90 SASS and compute_90 PTX: compute capability 8.0 and newer. */
    static final int MIN_COMPUTE_MAJOR = 8;

    private static boolean probed;
    private static String reason;
    /** The context the probe opened, until {@link CudaContext#open()} takes it. */
    private static CudaContext probeContext;

    private CudaAvailability() {
    }

    /** Null when a CUDA driver, a usable device and the kernels are present; otherwise why not. */
    public static synchronized String unavailableReason() {
        if (!probed) {
            reason = probe();
            probed = true;
        }
        return reason;
    }

    /** The context the successful probe opened (module loaded), once; null after that or if none. */
    static synchronized CudaContext takeProbeContext() {
        CudaContext c = probeContext;
        probeContext = null;
        return c;
    }

    /** Whether this jar was built with nvcc (holds the fatbin), independent of any driver. */
    public static boolean fatbinPresent() {
        return CudaAvailability.class.getResource(FATBIN_RESOURCE) != null;
    }

    static byte[] fatbin() {
        try (InputStream in = CudaAvailability.class.getResourceAsStream(FATBIN_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("no fatbin in this jar: built without nvcc");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + FATBIN_RESOURCE, e);
        }
    }

    private static String probe() {
        try {
            if (!fatbinPresent()) {
                return "no fatbin in this jar: built without nvcc";
            }
            try {
                JCudaNatives.prepare();
            } catch (IOException e) {
                return "cannot load JCuda's native library: " + e.getMessage();
            }
            int rc;
            try {
                rc = JCudaDriver.cuInit(0);
            } catch (LinkageError e) {
                return linkFailure(e);
            }
            if (rc != CUresult.CUDA_SUCCESS) {
                return "cuInit failed: " + CUresult.stringFor(rc)
                        + (rc == CUresult.CUDA_ERROR_NO_DEVICE ? " (the driver sees no CUDA device)" : "");
            }
            int[] count = new int[1];
            rc = JCudaDriver.cuDeviceGetCount(count);
            if (rc != CUresult.CUDA_SUCCESS) {
                return "cuDeviceGetCount failed: " + CUresult.stringFor(rc);
            }
            if (count[0] < 1) {
                return "no CUDA device (the driver is present but reports 0 devices)";
            }
            CUdevice device = new CUdevice();
            rc = JCudaDriver.cuDeviceGet(device, 0);
            if (rc != CUresult.CUDA_SUCCESS) {
                return "cuDeviceGet(0) failed: " + CUresult.stringFor(rc);
            }
            int[] major = new int[1];
            int[] minor = new int[1];
            rc = JCudaDriver.cuDeviceGetAttribute(major,
                    CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device);
            if (rc == CUresult.CUDA_SUCCESS) {
                rc = JCudaDriver.cuDeviceGetAttribute(minor,
                        CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device);
            }
            if (rc != CUresult.CUDA_SUCCESS) {
                // unchecked, a failed query left 0.0 and the message below blamed the device's age
                return "cuDeviceGetAttribute(compute capability) failed: " + CUresult.stringFor(rc);
            }
            if (major[0] < MIN_COMPUTE_MAJOR) {
                return "device 0 has compute capability " + major[0] + "." + minor[0]
                        + "; the kernels are built for 8.0 and newer (sm_80, sm_90, compute_90 PTX)";
            }
            try {
                // kept for the first backend that opens a context: closing it would release the primary context
                // and unload the module, which that backend would then load a second time
                probeContext = CudaContext.openNew();
                return null;
            } catch (CudaCallException e) {
                return "cannot load the kernels on device 0: " + e.getMessage();
            }
        } catch (Throwable t) {
            // a probe must answer, whatever went wrong
            return "CUDA probe failed: " + t;
        }
    }

    /** JCuda's load error is a page of nested stack traces; the useful line is which library was missing. */
    static String linkFailure(Throwable t) {
        StringWriter text = new StringWriter();
        t.printStackTrace(new PrintWriter(text));
        String all = text.toString();
        if (all.contains("libcuda.so")) {
            return "no CUDA driver: libcuda.so.1 (the NVIDIA driver library) is not installed or not on the "
                    + "loader path";
        }
        String first = String.valueOf(t.getMessage()).lines().findFirst().orElse("");
        return "cannot load JCuda's driver binding (" + t.getClass().getSimpleName() + "): " + first;
    }
}
