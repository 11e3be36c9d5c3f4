package dev.memscope.golden;

import dev.memscope.kernels.KernelOp;
import dev.memscope.kernels.call.KernelParams;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One golden case from {@code golden-outputs/manifest.json}: an op, its input files in formula order, its
 * parameters as {@code memscope kernel --param} pairs, the float64 expected output and the tolerance.
 */
public record GoldenCase(String name, KernelOp op, String description, List<Input> inputs, Map<String, String> params,
                         Path outputFile, int[] outputShape, long seed, Tolerance tolerance) {

    /** An input tensor: its formula name ({@code eps_u}), file and declared shape. */
    public record Input(String name, Path file, int[] shape) {
    }

    public KernelParams kernelParams() {
        return new KernelParams(op.cliName() + " (golden case " + name + ")", params);
    }

    /** The shape of the first input, {@code 4x4x64x64}. */
    public String shapeText() {
        int[] s = inputs.get(0).shape();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length; i++) {
            sb.append(i == 0 ? "" : "x").append(s[i]);
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return name;
    }
}
