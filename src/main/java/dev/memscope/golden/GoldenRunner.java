package dev.memscope.golden;

import dev.memscope.kernels.ScoreKernels;
import dev.memscope.kernels.call.KernelCall;
import dev.memscope.kernels.KernelOp;
import dev.memscope.tensor.Npy;
import dev.memscope.tensor.NpyArray;
import dev.memscope.tensor.TensorF32;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs golden cases on a backend and compares the result with the expected float64 output. Input files shared
 * by several cases are read once per runner; kernels never write to their inputs here (every result goes to a
 * fresh array), so the cached tensors stay as the files hold them.
 */
public final class GoldenRunner {
    private final Map<Path, TensorF32> inputs = new HashMap<>();
    private final Map<Path, double[]> expected = new HashMap<>();

    /** Runs {@code c} on {@code kernels}; backend exceptions propagate (see {@link #runCatching}). */
    public Comparison run(GoldenCase c, ScoreKernels kernels) throws IOException {
        KernelCall call = prepare(c);
        float[] actual = call.run(kernels);
        return GoldenComparator.compare(expected(c), actual, c.outputShape(), c.tolerance());
    }

    /** Like {@link #run} but a backend that throws fails the case instead of stopping the whole check. */
    public CaseResult runCatching(GoldenCase c, ScoreKernels kernels) throws IOException {
        KernelCall call = prepare(c);
        float[] actual;
        try {
            actual = call.run(kernels);
        } catch (RuntimeException e) {
            return new CaseResult(c, kernels.name(), null, e.toString());
        }
        return new CaseResult(c, kernels.name(),
                GoldenComparator.compare(expected(c), actual, c.outputShape(), c.tolerance()), null);
    }

    /** Reads and checks the case's files and binds its call; errors name the case and the file. */
    public KernelCall prepare(GoldenCase c) throws IOException {
        List<KernelOp.Named<TensorF32>> named = new ArrayList<>();
        for (GoldenCase.Input in : c.inputs()) {
            TensorF32 t = input(c, in);
            named.add(new KernelOp.Named<>(in.name(), t));
        }
        Map<String, TensorF32> bound;
        KernelCall call;
        try {
            bound = c.op().bind(named);
            call = KernelCall.of(c.op(), new LinkedHashMap<>(bound), c.kernelParams());
        } catch (IllegalArgumentException e) {
            throw new IOException("golden case '" + c.name() + "': " + e.getMessage(), e);
        }
        if (!Arrays.equals(call.resultShape(), c.outputShape())) {
            throw new IOException("golden case '" + c.name() + "': manifest says the output is "
                    + Arrays.toString(c.outputShape()) + " but " + c.op().cliName() + " on these inputs gives "
                    + Arrays.toString(call.resultShape()));
        }
        return call;
    }

    private TensorF32 input(GoldenCase c, GoldenCase.Input in) throws IOException {
        TensorF32 t = inputs.get(in.file());
        if (t == null) {
            try {
                t = Npy.readTensor(in.file());
            } catch (IOException e) {
                throw new IOException("golden case '" + c.name() + "', input " + in.name() + ": " + e.getMessage(), e);
            }
            inputs.put(in.file(), t);
        }
        if (!Arrays.equals(t.shape().toArray(), in.shape())) {
            throw new IOException("golden case '" + c.name() + "', input " + in.name() + ": " + in.file() + " holds "
                    + t.shape() + " but the manifest says " + Arrays.toString(in.shape()));
        }
        return t;
    }

    /** The expected output, checked against the manifest's shape. */
    public double[] expected(GoldenCase c) throws IOException {
        double[] e = expected.get(c.outputFile());
        if (e == null) {
            NpyArray a;
            try {
                a = Npy.read(c.outputFile());
            } catch (IOException ex) {
                throw new IOException("golden case '" + c.name() + "', expected output: " + ex.getMessage(), ex);
            }
            if (!Arrays.equals(a.shape(), c.outputShape())) {
                throw new IOException("golden case '" + c.name() + "': " + c.outputFile() + " holds "
                        + a.shapeString() + " but the manifest says " + Arrays.toString(c.outputShape()));
            }
            e = a.values();
            expected.put(c.outputFile(), e);
        }
        return e;
    }
}
