package dev.memscope.golden;

import dev.memscope.json.JsonDocument;
import dev.memscope.json.JsonFormatException;
import dev.memscope.json.JsonValue;
import dev.memscope.kernels.KernelOp;

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
        try {
            return read(file, dir, JsonDocument.read(file).root());
        } catch (NoSuchFileException e) {
            throw new GoldenFormatException(file, "no golden manifest here (run python3 scripts/golden/generate.py, "
                    + "or point --dir at a golden-outputs folder)");
        } catch (JsonFormatException e) {
            throw new GoldenFormatException(file, e.positionedProblem());
        } catch (IOException e) {
            throw new GoldenFormatException(file, "cannot read: " + e);
        }
    }

    private static GoldenManifest read(Path file, Path dir, JsonValue root) throws GoldenFormatException {
        if (!root.isObject()) {
            throw root.fail("must be a JSON object with a 'cases' list, got " + root.shown());
        }
        JsonValue format = root.get("format");
        if (format.isMissing() || !format.node().canConvertToInt() || format.node().asInt() != FORMAT) {
            throw format.fail("is an unsupported manifest format " + format.shown() + " (this reader knows "
                    + FORMAT + ")");
        }
        JsonValue list = root.get("cases");
        List<JsonValue> entries = list.elements("cases");
        if (entries.isEmpty()) {
            throw list.fail("must be a non-empty list");
        }
        List<GoldenCase> cases = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (JsonValue entry : entries) {
            GoldenCase c = new CaseReader(file, dir, entry).read();
            if (!names.add(c.name())) {
                throw entry.get("name").fail("case '" + c.name() + "' appears twice");
            }
            cases.add(c);
        }
        return new GoldenManifest(dir, cases);
    }

    /**
     * Reads one case; every error names it (by name, or by position before the name is known) and, for one
     * field, the field's path, line and column.
     */
    private static final class CaseReader {
        private final Path manifest;
        private final Path dir;
        private final JsonValue node;
        private String label;

        CaseReader(Path manifest, Path dir, JsonValue node) {
            this.manifest = manifest;
            this.dir = dir;
            this.node = node;
            this.label = "case " + node.path();
        }

        /** An error about the whole case. */
        GoldenFormatException error(String problem) {
            return new GoldenFormatException(manifest, label + ": " + problem);
        }

        /** An error about one value of the case: positioned, with its path. */
        GoldenFormatException error(JsonValue at, String problem) {
            return new GoldenFormatException(manifest, label + ": " + at.fail(problem).positionedProblem());
        }

        GoldenCase read() throws GoldenFormatException {
            if (!node.isObject()) {
                throw error(node, "is not a JSON object");
            }
            String name = text(node.get("name"));
            label = "case '" + name + "'";
            JsonValue opField = node.get("op");
            KernelOp op;
            try {
                op = KernelOp.byName(text(opField));
            } catch (IllegalArgumentException e) {
                throw error(opField, e.getMessage());
            }
            JsonValue ins = node.get("inputs");
            if (!ins.isArray() || ins.node().isEmpty()) {
                throw error(ins, "must be a non-empty list");
            }
            List<GoldenCase.Input> inputs = new ArrayList<>();
            List<KernelOp.Named<String>> named = new ArrayList<>();
            for (JsonValue in : ins.elements("inputs")) {
                String inName = text(in.get("name"));
                Path f = existing(in.get("file"), "input " + inName);
                inputs.add(new GoldenCase.Input(inName, f, shape(in.get("shape"), "input " + inName)));
                named.add(new KernelOp.Named<>(inName, inName));
            }
            try {
                op.bind(named);
            } catch (IllegalArgumentException e) {
                throw error(ins, e.getMessage());
            }
            Map<String, String> params = params(node.get("params"));
            JsonValue out = node.get("output");
            if (!out.isObject()) {
                throw error(out, "must be an object with 'file' and 'shape'");
            }
            Path outFile = existing(out.get("file"), "output");
            int[] outShape = shape(out.get("shape"), "output");
            JsonValue seed = node.get("seed");
            if (seed.isMissing() || !seed.node().canConvertToLong()) {
                throw error(seed, "must be an integer");
            }
            JsonValue rtol = node.get("rtol");
            if (!rtol.isNumber()) {
                throw error(rtol, "must be a number");
            }
            JsonValue atolField = node.get("atol");
            Tolerance tol;
            try {
                tol = new Tolerance(rtol.number(), atol(atolField, outShape[0]));
            } catch (IllegalArgumentException e) {
                throw error(atolField, e.getMessage());
            }
            JsonValue d = node.get("description");
            String description = d.isAbsent() ? "" : d.node().asText();
            return new GoldenCase(name, op, description, inputs, params, outFile, outShape, seed.node().asLong(), tol);
        }

        private String text(JsonValue v) throws GoldenFormatException {
            if (!v.isText() || v.node().asText().isBlank()) {
                throw error(v, "must be a non-empty string");
            }
            return v.node().asText();
        }

        private Path existing(JsonValue relative, String what) throws GoldenFormatException {
            Path p = dir.resolve(text(relative));
            if (!Files.isRegularFile(p)) {
                throw error(relative, what + " file " + p + " does not exist");
            }
            return p;
        }

        private int[] shape(JsonValue s, String what) throws GoldenFormatException {
            if (!s.isArray() || s.node().isEmpty()) {
                throw error(s, "(" + what + ") must be a non-empty list of sizes");
            }
            int[] shape = new int[s.node().size()];
            for (int i = 0; i < shape.length; i++) {
                if (!s.node().get(i).canConvertToInt() || s.node().get(i).asInt() < 1) {
                    throw error(s.at(i), "(" + what + " shape " + s.shown() + ") must be a positive integer");
                }
                shape[i] = s.node().get(i).asInt();
            }
            return shape;
        }

        private double[] atol(JsonValue a, int batch) throws GoldenFormatException {
            if (a.isNumber()) {
                return new double[] {a.number()};
            }
            if (!a.isArray()) {
                throw error(a, "must be a number or a list with one number per sample");
            }
            if (a.node().size() != batch) {
                throw error(a, "has " + a.node().size() + " values but the output has " + batch + " samples");
            }
            double[] v = new double[batch];
            for (int i = 0; i < v.length; i++) {
                if (!a.at(i).isNumber()) {
                    throw error(a.at(i), "is not a number");
                }
                v[i] = a.at(i).number();
            }
            return v;
        }

        /** Params become {@code k=v} text: numbers exactly (shortest round-trip form), lists comma-separated. */
        private Map<String, String> params(JsonValue p) throws GoldenFormatException {
            Map<String, String> map = new LinkedHashMap<>();
            if (p.isAbsent()) {
                return map;
            }
            if (!p.isObject()) {
                throw error(p, "must be an object");
            }
            for (Map.Entry<String, JsonValue> e : p.fields().entrySet()) {
                map.put(e.getKey(), paramText(e.getKey(), e.getValue()));
            }
            return map;
        }

        private String paramText(String key, JsonValue v) throws GoldenFormatException {
            if (v.isText()) {
                return v.node().asText();
            }
            if (v.isNumber()) {
                return Double.toString(v.number());
            }
            if (v.isArray()) {
                StringBuilder sb = new StringBuilder();
                for (JsonValue x : v.elements("numbers")) {
                    if (!x.isNumber()) {
                        throw error(x, "param " + key + " holds a non-number " + x.shown());
                    }
                    sb.append(sb.length() == 0 ? "" : ",").append(Double.toString(x.number()));
                }
                return sb.toString();
            }
            throw error(v, "param " + key + " must be a string, a number or a list of numbers, got " + v.shown());
        }
    }
}
