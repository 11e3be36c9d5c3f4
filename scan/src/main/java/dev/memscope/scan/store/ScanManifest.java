package dev.memscope.scan.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memscope.io.AtomicFiles;
import dev.memscope.scan.input.InputSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * {@code scan.json}: everything that decides what a chunk holds (inputs with size and modification time, caption
 * columns, model, detectors, chunk and batch sizes, threshold, top k). The first run writes it; a rerun into the same
 * {@code --out} must match it, else committed chunks would mix two different scans: the error names the first
 * field that differs.
 */
public final class ScanManifest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ScanManifest() {
    }

    public static ObjectNode of(InputSet inputs, String model, List<String> detectors, int chunkRows, int batchRows,
                                int latentsPerCall, Double threshold, Integer topK) {
        ObjectNode m = JSON.createObjectNode();
        m.put("format", "memscope-scan/1");
        ArrayNode files = m.putArray("inputs");
        for (InputSet.InputFile f : inputs.files()) {
            ObjectNode o = files.addObject();
            o.put("path", f.path().toString());
            o.put("bytes", f.bytes());
            o.put("modified_ms", f.modifiedMillis());
        }
        ArrayNode cols = m.putArray("columns");
        inputs.columns().forEach(cols::add);
        m.put("model", model);
        ArrayNode ds = m.putArray("detectors");
        detectors.forEach(ds::add);
        m.put("chunk_rows", chunkRows);
        m.put("batch_rows", batchRows);
        m.put("latents_per_call", latentsPerCall);
        if (threshold == null) {
            m.putNull("threshold");
        } else {
            m.put("threshold", threshold);
        }
        // only when given, so that folders scanned before --top-k flagged rows still resume
        if (topK != null) {
            m.put("top_k", topK.intValue());
        }
        return m;
    }

    /** Writes the manifest, or checks it against the one already there. */
    public static void writeOrCheck(Path out, ObjectNode manifest) throws IOException {
        Path file = out.resolve("scan.json");
        if (!Files.exists(file)) {
            AtomicFiles.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(manifest) + "\n");
            return;
        }
        JsonNode old;
        try {
            old = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException("--out " + out + ": scan.json is not readable JSON (" + e.getMessage()
                    + "); delete the folder or use a new --out");
        }
        String diff = firstDifference("", old, manifest);
        if (diff != null) {
            throw new IllegalArgumentException("--out " + out + " holds a scan with other inputs or settings ("
                    + diff + "); resuming would mix two scans: use a new --out, or delete the old one");
        }
    }

    private static String firstDifference(String at, JsonNode was, JsonNode now) {
        if (was == null || now == null || was.getNodeType() != now.getNodeType()) {
            return (at.isEmpty() ? "manifest" : at) + " was " + was + ", now " + now;
        }
        if (now.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = now.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String d = firstDifference(at.isEmpty() ? e.getKey() : at + "." + e.getKey(), was.get(e.getKey()),
                        e.getValue());
                if (d != null) {
                    return d;
                }
            }
            for (Iterator<String> it = was.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                if (!now.has(name)) {
                    return (at.isEmpty() ? name : at + "." + name) + " was " + was.get(name) + ", now not given";
                }
            }
            return null;
        }
        if (now.isArray()) {
            if (was.size() != now.size()) {
                return at + " had " + was.size() + " entries, now " + now.size();
            }
            for (int i = 0; i < now.size(); i++) {
                String d = firstDifference(at + "[" + i + "]", was.get(i), now.get(i));
                if (d != null) {
                    return d;
                }
            }
            return null;
        }
        if (was.isNumber() && now.isNumber()) {
            // a number read back may be an int node where the written one was a long: compare values
            return was.decimalValue().compareTo(now.decimalValue()) == 0 ? null : at + " was " + was + ", now " + now;
        }
        return was.equals(now) ? null : at + " was " + was + ", now " + now;
    }
}
