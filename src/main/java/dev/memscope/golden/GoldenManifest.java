package dev.memscope.golden;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.memscope.kernels.call.KernelOp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code manifest.json} as written by scripts/golden/generate.py and checks it before anything runs: every
 * case has a known op, readable fields, input and output files that exist, and a tolerance of the right length.
 * Each error names the manifest, the case and what is wrong.
 */
public final class GoldenManifest {
    public static final String FILE_NAME = "manifest.json";
    public static final int FORMAT = 1;

    private final Path dir;
    private final List<GoldenCase> cases;

    private GoldenManifest(Path dir, List<GoldenCase> cases) {
        this.dir = dir;
        this.cases = List.copyOf(cases);
    }

    public Path dir() {
        return dir;
    }

    public List<GoldenCase> cases() {
        return cases;
    }

    /** Loads {@code dir/manifest.json}; file paths in it are relative to {@code dir}. */
    public static GoldenManifest load(Path dir) throws GoldenFormatException {
        Path file = dir.resolve(FILE_NAME);
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new GoldenFormatException(file, "no golden manifest here (run python3 scripts/golden/generate.py, "
                    + "or point --dir at a golden-outputs folder)");
        } catch (JsonProcessingException e) {
            throw new GoldenFormatException(file, "not valid JSON: " + e.getOriginalMessage()
                    + " at line " + e.getLocation().getLineNr());
        } catch (IOException e) {
            throw new GoldenFormatException(file, "cannot read: " + e);
        }
        if (root == null || !root.isObject()) {
            throw new GoldenFormatException(file, "expected a JSON object with a 'cases' list");
        }
        JsonNode format = root.get("format");
        if (format == null || !format.canConvertToInt() || format.asInt() != FORMAT) {
            throw new GoldenFormatException(file, "unsupported manifest format " + format + " (this reader knows " + FORMAT + ")");
        }
        JsonNode list = root.get("cases");
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw new GoldenFormatException(file, "'cases' must be a non-empty list");
        }
        List<GoldenCase> cases = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            GoldenCase c = new CaseReader(file, dir, list.get(i), i).read();
            if (!names.add(c.name())) {
                throw new GoldenFormatException(file, "case '" + c.name() + "' appears twice");
            }
            cases.add(c);
        }
        return new GoldenManifest(dir, cases);
    }

    /** Reads one case; every error names it (by name, or by position before the name is known). */
    private static final class CaseReader {
        private final Path manifest;
        private final Path dir;
        private final JsonNode node;
        private String label;

        CaseReader(Path manifest, Path dir, JsonNode node, int index) {
            this.manifest = manifest;
            this.dir = dir;
            this.node = node;
            this.label = "case #" + index;
        }

        GoldenFormatException error(String problem) {
            return new GoldenFormatException(manifest, label + ": " + problem);
        }

        GoldenCase read() throws GoldenFormatException {
            if (node == null || !node.isObject()) {
                throw error("not a JSON object");
            }
            String name = text(node, "name");
            label = "case '" + name + "'";
            String opName = text(node, "op");
            KernelOp op;
            try {
                op = KernelOp.byName(opName);
            } catch (IllegalArgumentException e) {
                throw error(e.getMessage());
            }
            JsonNode ins = node.get("inputs");
            if (ins == null || !ins.isArray() || ins.isEmpty()) {
                throw error("'inputs' must be a non-empty list");
            }
            List<GoldenCase.Input> inputs = new ArrayList<>();
            List<KernelOp.Named<String>> named = new ArrayList<>();
            for (JsonNode in : ins) {
                String inName = text(in, "name");
                Path f = existing(text(in, "file"), "input " + inName);
                inputs.add(new GoldenCase.Input(inName, f, shape(in, "input " + inName)));
                named.add(new KernelOp.Named<>(inName, inName));
            }
            try {
                op.bind(named);
            } catch (IllegalArgumentException e) {
                throw error(e.getMessage());
            }
            Map<String, String> params = params(node.get("params"));
            JsonNode out = node.get("output");
            if (out == null || !out.isObject()) {
                throw error("'output' must be an object with 'file' and 'shape'");
            }
            Path outFile = existing(text(out, "file"), "output");
            int[] outShape = shape(out, "output");
            JsonNode seed = node.get("seed");
            if (seed == null || !seed.canConvertToLong()) {
                throw error("'seed' must be an integer");
            }
            double rtol = number(node, "rtol");
            Tolerance tol;
            try {
                tol = new Tolerance(rtol, atol(node.get("atol"), outShape[0]));
            } catch (IllegalArgumentException e) {
                throw error(e.getMessage());
            }
            String description = node.hasNonNull("description") ? node.get("description").asText() : "";
            return new GoldenCase(name, op, description, inputs, params, outFile, outShape, seed.asLong(), tol);
        }

        private String text(JsonNode n, String key) throws GoldenFormatException {
            JsonNode v = n == null ? null : n.get(key);
            if (v == null || !v.isTextual() || v.asText().isBlank()) {
                throw error("'" + key + "' must be a non-empty string");
            }
            return v.asText();
        }

        private double number(JsonNode n, String key) throws GoldenFormatException {
            JsonNode v = n.get(key);
            if (v == null || !v.isNumber()) {
                throw error("'" + key + "' must be a number");
            }
            return v.asDouble();
        }

        private Path existing(String relative, String what) throws GoldenFormatException {
            Path p = dir.resolve(relative);
            if (!Files.isRegularFile(p)) {
                throw error(what + " file " + p + " does not exist");
            }
            return p;
        }

        private int[] shape(JsonNode n, String what) throws GoldenFormatException {
            JsonNode s = n.get("shape");
            if (s == null || !s.isArray() || s.isEmpty()) {
                throw error(what + ": 'shape' must be a non-empty list of sizes");
            }
            int[] shape = new int[s.size()];
            for (int i = 0; i < shape.length; i++) {
                if (!s.get(i).canConvertToInt() || s.get(i).asInt() < 1) {
                    throw error(what + ": 'shape' " + s + " must hold positive integers");
                }
                shape[i] = s.get(i).asInt();
            }
            return shape;
        }

        private double[] atol(JsonNode a, int batch) throws GoldenFormatException {
            if (a != null && a.isNumber()) {
                return new double[] {a.asDouble()};
            }
            if (a == null || !a.isArray()) {
                throw error("'atol' must be a number or a list with one number per sample");
            }
            if (a.size() != batch) {
                throw error("'atol' has " + a.size() + " values but the output has " + batch + " samples");
            }
            double[] v = new double[a.size()];
            for (int i = 0; i < v.length; i++) {
                if (!a.get(i).isNumber()) {
                    throw error("'atol'[" + i + "] is not a number");
                }
                v[i] = a.get(i).asDouble();
            }
            return v;
        }

        /** Params become {@code k=v} text: numbers exactly (shortest round-trip form), lists comma-separated. */
        private Map<String, String> params(JsonNode p) throws GoldenFormatException {
            Map<String, String> map = new LinkedHashMap<>();
            if (p == null || p.isNull()) {
                return map;
            }
            if (!p.isObject()) {
                throw error("'params' must be an object");
            }
            var it = p.fields();
            while (it.hasNext()) {
                var e = it.next();
                map.put(e.getKey(), paramText(e.getKey(), e.getValue()));
            }
            return map;
        }

        private String paramText(String key, JsonNode v) throws GoldenFormatException {
            if (v.isTextual()) {
                return v.asText();
            }
            if (v.isNumber()) {
                return Double.toString(v.asDouble());
            }
            if (v.isArray()) {
                StringBuilder sb = new StringBuilder();
                for (JsonNode x : v) {
                    if (!x.isNumber()) {
                        throw error("param " + key + " holds a non-number " + x);
                    }
                    sb.append(sb.length() == 0 ? "" : ",").append(Double.toString(x.asDouble()));
                }
                return sb.toString();
            }
            throw error("param " + key + " must be a string, a number or a list of numbers, got " + v);
        }
    }
}
