package dev.memscope.source;

import java.util.Map;

/**
 * What reports say about a model: its kind ("lab", "testbed", "onnx", "replay"), one sentence for Markdown and
 * console ({@code about}), and the fields results.json records under "model".
 */
public record ModelInfo(String kind, String about, Map<String, Object> fields) {
    public ModelInfo {
        fields = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(fields));
    }
}
