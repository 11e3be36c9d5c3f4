package dev.memscope.eval.imagespace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.memscope.model.onnx.ClipTokenizer;
import dev.memscope.model.onnx.OnnxEmbedder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The testbed's metric models, one folder ({@code models/testbed/metrics/}, scripts/metrics/train_metrics.py):
 * {@code copy_encoder.onnx} (the copy-detection embedding), {@code clip_image.onnx} and {@code clip_text.onnx} (the
 * miniature CLIP) with the testbed's tokenizer, and {@code metrics.json} (the copy threshold fixed at training time).
 * Every embedding is unit-norm, so a similarity is a dot product.
 */
public final class MetricModels implements AutoCloseable {
    public static final String DIR = "metrics";
    private final Path dir;
    private final OnnxEmbedder copy;
    private final OnnxEmbedder clipImage;
    private final OnnxEmbedder clipText;
    private final ClipTokenizer tokenizer;
    private final double copyThreshold;
    private final int channels;
    private final int side;

    private MetricModels(Path dir, int channels, int side) throws IOException {
        this.dir = dir;
        this.channels = channels;
        this.side = side;
        Path meta = dir.resolve("metrics.json");
        if (!Files.isRegularFile(meta)) {
            throw new IllegalArgumentException(meta + " does not exist: the metric models are trained by "
                    + "scripts/metrics/train_metrics.py");
        }
        JsonNode t = new ObjectMapper().readTree(meta.toFile()).path("copy").path("threshold");
        if (!t.isNumber() || !Double.isFinite(t.asDouble()) || t.asDouble() <= -1 || t.asDouble() >= 1) {
            throw new IllegalArgumentException(meta + ": copy.threshold must be a number in (-1, 1), got " + t);
        }
        this.copyThreshold = t.asDouble();
        this.tokenizer = ClipTokenizer.load(dir);
        OnnxEmbedder c = null;
        OnnxEmbedder ci = null;
        try {
            c = OnnxEmbedder.images(dir.resolve("copy_encoder.onnx"), channels, side, side);
            ci = OnnxEmbedder.images(dir.resolve("clip_image.onnx"), channels, side, side);
            this.clipText = OnnxEmbedder.tokens(dir.resolve("clip_text.onnx"), tokenizer.maxLength());
        } catch (RuntimeException e) {
            if (c != null) {
                c.close();
            }
            if (ci != null) {
                ci.close();
            }
            throw e;
        }
        this.copy = c;
        this.clipImage = ci;
    }

    /** Opens {@code dir} for images of {@code channels x side x side} in [-1, 1]. */
    public static MetricModels open(Path dir, int channels, int side) throws IOException {
        return new MetricModels(dir, channels, side);
    }

    public Path dir() {
        return dir;
    }

    /** The similarity above which a generation counts as a copy (SSCD's 0.5 in MemBench; see docs/metrics.md). */
    public double copyThreshold() {
        return copyThreshold;
    }

    /** Copy-detection embeddings of n images {@code [n, C*H*W]}; values outside [-1, 1] are clipped first. */
    public float[][] copyEmbeddings(float[] images, int n) {
        return embedChunked(copy, images, n);
    }

    /** CLIP image embeddings of n images (clipped to [-1, 1] first). */
    public float[][] clipImageEmbeddings(float[] images, int n) {
        return embedChunked(clipImage, images, n);
    }

    /** CLIP text embeddings of the prompts. */
    public float[][] clipTextEmbeddings(List<String> prompts) {
        int[][] ids = new int[prompts.size()][];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = tokenizer.encode(prompts.get(i));
        }
        return clipText.embedTokens(ids);
    }

    private float[][] embedChunked(OnnxEmbedder e, float[] images, int n) {
        int d = channels * side * side;
        if ((long) n * d != images.length) {
            throw new IllegalArgumentException("metric models: " + images.length + " values for " + n + " images of "
                    + d);
        }
        float[] clipped = new float[images.length];
        for (int i = 0; i < images.length; i++) {
            float v = images[i];
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException("metric models: image " + (i / d) + " has " + v + " at element "
                        + (i % d));
            }
            clipped[i] = Math.max(-1f, Math.min(1f, v));
        }
        float[][] out = new float[n][];
        int chunk = 256;
        for (int s = 0; s < n; s += chunk) {
            int b = Math.min(chunk, n - s);
            float[][] part = e.embedImages(clipped, s * d, b);
            System.arraycopy(part, 0, out, s, b);
        }
        return out;
    }

    /** The dot product of two unit embeddings, in float64. */
    public static double similarity(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("embeddings of " + a.length + " and " + b.length + " values");
        }
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    @Override
    public void close() {
        copy.close();
        clipImage.close();
        clipText.close();
    }
}
