package dev.memscope.model.onnx;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.memscope.tensor.Npy;
import dev.memscope.tensor.NpyArray;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

/**
 * The tiny test model made by scripts/make_test_unet.py (PyTorch, seeded), and its expected outputs: token ids from
 * the Python reference tokenizer scripts/tiny_sd/clip_bpe.py, text states and UNet outputs from PyTorch in float64.
 */
final class TinyModel {
    /** ORT float32 vs PyTorch float64: the rtol, with an atol for values near zero. */
    static final double RTOL = 1e-4;
    static final double ATOL = 1e-5;

    private TinyModel() {
    }

    static Path dir() {
        try {
            return Path.of(TinyModel.class.getResource("/dev/memscope/model/onnx/tiny/unet.onnx").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path expected(String name) {
        return dir().resolve("expected").resolve(name);
    }

    static NpyArray npy(String name) {
        try {
            return Npy.read(expected(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> strings(String name) {
        try {
            return List.of(new ObjectMapper().readValue(expected(name).toFile(), String[].class));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static OnnxDenoiser open(int maxBatch) {
        return open(OnnxLayout.of(dir()), maxBatch);
    }

    static OnnxDenoiser open(OnnxLayout layout, int maxBatch) {
        try {
            return OnnxModels.open(layout, OnnxProvider.CPU, maxBatch, System.err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Largest |actual - expected| / (atol + rtol |expected|); at most 1 passes. */
    static double worstRatio(float[] actual, double[] expected, int offset) {
        double worst = 0;
        for (int i = 0; i < actual.length; i++) {
            double e = expected[offset + i];
            worst = Math.max(worst, Math.abs(actual[i] - e) / (ATOL + RTOL * Math.abs(e)));
        }
        return worst;
    }

    /** Largest relative error |a - e| / |e| over entries with |e| above 1e-3 (reported, not asserted). */
    static double maxRelError(float[] actual, double[] expected, int offset) {
        double worst = 0;
        for (int i = 0; i < actual.length; i++) {
            double e = expected[offset + i];
            if (Math.abs(e) > 1e-3) {
                worst = Math.max(worst, Math.abs(actual[i] - e) / Math.abs(e));
            }
        }
        return worst;
    }
}
