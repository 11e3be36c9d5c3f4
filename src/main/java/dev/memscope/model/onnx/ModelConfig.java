package dev.memscope.model.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.memscope.model.PredictionType;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * What the ONNX graphs do not say: the prediction type ({@code prediction_type} of diffusers'
 * {@code scheduler_config.json}: epsilon or v_prediction; SD v2 768 is v_prediction) and, for UNets exported with
 * dynamic spatial axes, {@code sample_size} and {@code in_channels} from the UNet's {@code config.json}
 * (0 when unknown).
 */
public record ModelConfig(PredictionType predictionType, int sampleSize, int inChannels) {

    static ModelConfig read(OnnxLayout layout, PrintStream notes) throws IOException {
        PredictionType type = PredictionType.EPSILON;
        if (layout.schedulerConfig() == null) {
            notes.println("onnx: no scheduler_config.json beside the model; assuming prediction_type epsilon "
                    + "(SD v1, SD v2 base 512); SD v2 768 needs v_prediction");
        } else {
            JsonNode p = json(layout.schedulerConfig()).get("prediction_type");
            if (p != null && !p.isNull()) {
                type = switch (p.asText()) {
                    case "epsilon" -> PredictionType.EPSILON;
                    case "v_prediction" -> PredictionType.V_PREDICTION;
                    default -> throw new IllegalArgumentException(layout.schedulerConfig() + ": prediction_type '"
                            + p.asText() + "' is not supported (epsilon or v_prediction)");
                };
            }
        }
        int size = 0;
        int channels = 0;
        if (layout.unetConfig() != null) {
            JsonNode cfg = json(layout.unetConfig());
            size = positive(cfg, "sample_size", layout.unetConfig());
            channels = positive(cfg, "in_channels", layout.unetConfig());
        }
        return new ModelConfig(type, size, channels);
    }

    private static int positive(JsonNode cfg, String key, Path file) {
        JsonNode v = cfg.get(key);
        if (v == null || v.isNull()) {
            return 0;
        }
        if (v.isArray() && v.size() == 2 && v.get(0).asInt() == v.get(1).asInt()) {
            v = v.get(0);   // diffusers also writes sample_size as [h, w]
        }
        if (!v.canConvertToInt() || v.asInt() < 1) {
            throw new IllegalArgumentException(file + ": " + key + " must be a positive integer, got " + v);
        }
        return v.asInt();
    }

    private static JsonNode json(Path f) throws IOException {
        try {
            JsonNode n = new ObjectMapper().readTree(f.toFile());
            if (n == null || !n.isObject()) {
                throw new IllegalArgumentException(f + ": expected a JSON object");
            }
            return n;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(f + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
    }
}
