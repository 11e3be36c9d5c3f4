package dev.memscope.model.lab;

import dev.memscope.io.AtomicFiles;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memscope.model.PredictionType;
import dev.memscope.tensor.Npy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a lab world so that an independent implementation can check it: {@code mu.npy} [K,C,H,W] float32,
 * {@code sigma2.npy} [K] float64, {@code counts.npy} [K] float64, {@code emb.npy} [K,E] float32 (the e_k), and
 * {@code world.json} (beta, C/H/W, prediction type, schedule, the K captions and kinds in component order, the
 * config). Every file is written to a temp file and renamed; world.json goes last, so its presence means the
 * export is complete.
 */
public final class WorldExport {
    private WorldExport() {
    }

    public static void write(LabWorld w, Path dir) throws IOException {
        Files.createDirectories(dir);
        int k = w.components();
        Npy.writeF32(dir.resolve("mu.npy"), new int[] {k, w.channels(), w.height(), w.width()}, w.mu());
        Npy.writeF64(dir.resolve("sigma2.npy"), new int[] {k}, w.sigma2());
        Npy.writeF64(dir.resolve("counts.npy"), new int[] {k}, w.counts());
        Npy.writeF32(dir.resolve("emb.npy"), new int[] {k, w.embeddingDim()}, w.emb());

        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        root.put("format", "memscope-lab-world/1");
        root.put("beta", w.beta());
        root.put("uncond_mem_weight", w.uncondMemWeight());
        root.put("channels", w.channels());
        root.put("height", w.height());
        root.put("width", w.width());
        root.put("components", k);
        root.put("embedding_dim", w.embeddingDim());
        root.put("prediction_type", PredictionType.EPSILON.diffusersName);
        root.put("schedule", "scaled_linear beta 0.00085..0.012, 1000 steps, DDIM leading spacing, steps_offset 1");
        root.put("model", "p(x0|c) = sum_k pi_k(c) N(mu_k, sigma2_k I), pi_k(c) ~ counts_k exp(beta <c, e_k>); "
                + "unconditional pi_k ~ counts_k, times uncond_mem_weight for memorized components; text encoder: signed FNV-1a feature hashing, see docs/lab.md");
        ArrayNode caps = root.putArray("captions");
        ArrayNode kinds = root.putArray("kinds");
        for (int i = 0; i < k; i++) {
            caps.add(w.captions().get(i));
            kinds.add(w.kind(i).name().toLowerCase());
        }
        ObjectNode cfg = root.putObject("config");
        w.config().asMap().forEach((key, v) -> cfg.putPOJO(key, v));
        AtomicFiles.write(dir.resolve("world.json"), json.writeValueAsBytes(root));
    }
}
