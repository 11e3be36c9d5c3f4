package dev.memscope.kernels.cuda;

import java.util.ArrayList;
import java.util.List;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;

/**
 * A kernel's argument list, packed in order and checked against its {@link CudaKernel} signature as it is built:
 * a wrong type, count or a float4 pointer that is not 16-byte aligned throws here, on the host, instead of
 * corrupting the launch (cuLaunchKernel copies whatever bytes it is given; a 4-byte int where the kernel reads a
 * 64-bit size is a silent wrong result or a fault).
 */
final class KernelArgs {
    /** float4 loads and stores need 16-byte aligned addresses; cuMemAlloc gives 256. */
    static final int VEC_ALIGNMENT = 16;

    private final CudaKernel kernel;
    private final List<Pointer> values = new ArrayList<>();
    private final List<Object> raw = new ArrayList<>();

    KernelArgs(CudaKernel kernel) {
        this.kernel = kernel;
    }

    CudaKernel kernel() {
        return kernel;
    }

    /** A device pointer; for a float4 parameter it must be 16-byte aligned. */
    KernelArgs ptr(CUdeviceptr p) {
        CudaKernel.Param expected = next();
        if (expected != CudaKernel.Param.PTR && expected != CudaKernel.Param.VEC) {
            throw mismatch("a device pointer", expected);
        }
        long address = DeviceAddress.of(p);
        if (expected == CudaKernel.Param.VEC && address % VEC_ALIGNMENT != 0) {
            throw new IllegalArgumentException("kernel " + kernel.entry() + " reads parameter " + values.size()
                    + " as float4 but its device address 0x" + Long.toHexString(address)
                    + " is not 16-byte aligned (a sub-view must start at a multiple of 4 floats)");
        }
        return add(Pointer.to(p), address);
    }

    KernelArgs i32(int v) {
        expect(CudaKernel.Param.I32, "an int");
        return add(Pointer.to(new int[] {v}), v);
    }

    KernelArgs i64(long v) {
        expect(CudaKernel.Param.I64, "a long long");
        return add(Pointer.to(new long[] {v}), v);
    }

    KernelArgs f32(float v) {
        expect(CudaKernel.Param.F32, "a float");
        return add(Pointer.to(new float[] {v}), v);
    }

    KernelArgs f64(double v) {
        expect(CudaKernel.Param.F64, "a double");
        return add(Pointer.to(new double[] {v}), v);
    }

    /** The kernelParams array for cuLaunchKernel; throws when parameters are missing. */
    Pointer pack() {
        if (values.size() != kernel.params().size()) {
            throw new IllegalStateException("kernel " + kernel.entry() + " takes " + kernel.params().size()
                    + " parameters but " + values.size() + " were packed");
        }
        return Pointer.to(values.toArray(new Pointer[0]));
    }

    /** The packed values (device addresses as Long), for tests and error messages. */
    List<Object> values() {
        return List.copyOf(raw);
    }

    private KernelArgs add(Pointer p, Object value) {
        values.add(p);
        raw.add(value);
        return this;
    }

    private void expect(CudaKernel.Param type, String what) {
        CudaKernel.Param expected = next();
        if (expected != type) {
            throw mismatch(what, expected);
        }
    }

    private CudaKernel.Param next() {
        if (values.size() >= kernel.params().size()) {
            throw new IllegalStateException("kernel " + kernel.entry() + " takes only " + kernel.params().size()
                    + " parameters");
        }
        return kernel.params().get(values.size());
    }

    private IllegalArgumentException mismatch(String given, CudaKernel.Param expected) {
        return new IllegalArgumentException("kernel " + kernel.entry() + " parameter " + values.size() + " is "
                + expected + " but " + given + " was packed");
    }

    /** Reads a CUdeviceptr's address (base + byte offset); JCuda keeps both protected. */
    private static final class DeviceAddress extends CUdeviceptr {
        private DeviceAddress(CUdeviceptr p) {
            super(p);
        }

        static long of(CUdeviceptr p) {
            if (p == null) {
                throw new IllegalArgumentException("null device pointer (pass an empty CUdeviceptr for NULL)");
            }
            DeviceAddress a = new DeviceAddress(p);
            return a.getNativePointer() + a.getByteOffset();
        }
    }
}
