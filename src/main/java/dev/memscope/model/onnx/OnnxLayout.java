package dev.memscope.model.onnx;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the files of an exported model lie. Two layouts are read: optimum's / diffusers' export folder
 * ({@code unet/model.onnx}, {@code text_encoder/model.onnx}, {@code tokenizer/}, {@code scheduler/scheduler_config.json},
 * {@code unet/config.json}) and a flat one ({@code unet.onnx}, {@code text_encoder.onnx}, tokenizer files,
 * {@code scheduler_config.json}, {@code config.json} next to the UNet), which the tiny test model uses.
 *
 * @param unet            the UNet graph (its external-data files lie next to it)
 * @param textEncoder     the text encoder graph
 * @param tokenizer       the folder with vocab.json and merges.txt
 * @param schedulerConfig prediction_type lives here; null when absent (then epsilon)
 * @param unetConfig      sample_size / in_channels for UNets exported with dynamic spatial axes; null when absent
 */
public record OnnxLayout(Path unet, Path textEncoder, Path tokenizer, Path schedulerConfig, Path unetConfig) {

    /** Finds the files under {@code dir}; a missing UNet, text encoder or tokenizer is an error naming the paths tried. */
    public static OnnxLayout of(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("ONNX model folder " + dir + " does not exist");
        }
        Path unet = first(dir, "the UNet", "unet/model.onnx", "unet.onnx");
        return new OnnxLayout(unet, first(dir, "the text encoder", "text_encoder/model.onnx", "text_encoder.onnx"),
                Files.isRegularFile(dir.resolve("tokenizer/vocab.json")) || Files.isDirectory(dir.resolve("tokenizer"))
                        ? dir.resolve("tokenizer") : dir,
                optional(dir, "scheduler/scheduler_config.json", "scheduler_config.json"),
                optional(unet.getParent(), "config.json", "unet_config.json"));
    }

    /** The same layout with another UNet file (e.g. a copy with external data); its config.json is looked up beside it. */
    public OnnxLayout withUnet(Path file) {
        Path cfg = optional(file.toAbsolutePath().getParent(), "config.json", "unet_config.json");
        return new OnnxLayout(file, textEncoder, tokenizer, schedulerConfig, cfg != null ? cfg : unetConfig);
    }

    /**
     * The reverse-mode twin of the UNet ({@code unet_vjp.onnx} beside {@code unet.onnx}, {@code model_vjp.onnx}
     * beside {@code unet/model.onnx}; scripts/testbed/vjp.py writes the testbed's), or null when there is none.
     */
    public Path unetVjp() {
        String name = unet.getFileName().toString();
        String stem = name.endsWith(".onnx") ? name.substring(0, name.length() - 5) : name;
        Path vjp = unet.resolveSibling(stem + "_vjp.onnx");
        return Files.isRegularFile(vjp) ? vjp : null;
    }

    private static Path first(Path dir, String what, String... names) {
        for (String n : names) {
            if (Files.isRegularFile(dir.resolve(n))) {
                return dir.resolve(n);
            }
        }
        throw new IllegalArgumentException("ONNX model folder " + dir + " has no " + what + " (looked for "
                + String.join(", ", names) + ")");
    }

    private static Path optional(Path dir, String... names) {
        for (String n : names) {
            if (dir != null && Files.isRegularFile(dir.resolve(n))) {
                return dir.resolve(n);
            }
        }
        return null;
    }
}
