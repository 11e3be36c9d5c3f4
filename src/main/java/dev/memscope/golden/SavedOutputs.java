package dev.memscope.golden;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memscope.io.AtomicFiles;
import dev.memscope.kernels.ScoreKernels;
import dev.memscope.tensor.Npy;
import dev.memscope.tensor.NpyArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A backend's outputs on every golden case, saved so that a later build (or another backend) can be compared with
 * them instead of with the float64 goldens: numerical regressions between two versions of our own code, not only
 * against NumPy. The folder holds one float32 {@code <case>.npy} per case and {@code saved-outputs.json} (case ->
 * file, shape, tolerance; the backend that made them). The manifest is written last, so a folder whose save
 * failed half-way has none and is refused; every file goes through {@link AtomicFiles}.
 */
public final class SavedOutputs {
    public static final String FILE_NAME = "saved-outputs.json";
    public static final int FORMAT = 1;

    /** One saved case: its output file (relative to the folder), shape and the tolerance to compare with. */
    public record Entry(String name, String file, int[] shape, Tolerance tolerance) {
    }

    private final Path dir;
    private final String backend;
    private final Map<String, Entry> entries;

    private SavedOutputs(Path dir, String backend, Map<String, Entry> entries) {
        this.dir = dir;
        this.backend = backend;
        this.entries = entries;
    }

    public Path dir() {
        return dir;
    }

    /** The backend whose outputs these are. */
    public String backend() {
        return backend;
    }

    public Map<String, Entry> entries() {
        return entries;
    }

    /**
     * Runs every case of {@code manifest} on {@code kernels} and saves the outputs into {@code out}, with each
     * case's golden tolerance. A backend that throws on a case stops the save (nothing of the manifest is written).
     */
    public static SavedOutputs save(GoldenManifest manifest, ScoreKernels kernels, Path out) throws IOException {
        GoldenRunner runner = new GoldenRunner();
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (GoldenCase c : manifest.cases()) {
            float[] actual;
            try {
                actual = runner.prepare(c).run(kernels);
            } catch (RuntimeException e) {
                throw new IOException("golden case '" + c.name() + "' on " + kernels.name() + ": the backend threw "
                        + e, e);
            }
            String file = c.name() + ".npy";
            Npy.writeF32(out.resolve(file), c.outputShape(), actual);
            entries.put(c.name(), new Entry(c.name(), file, c.outputShape(), c.tolerance()));
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("format", FORMAT);
        root.put("backend", kernels.name());
        root.put("goldens", manifest.dir().toAbsolutePath().normalize().toString());
        ArrayNode list = root.putArray("cases");
        for (Entry e : entries.values()) {
            ObjectNode n = list.addObject();
            n.put("name", e.name());
            n.put("file", e.file());
            ArrayNode shape = n.putArray("shape");
            Arrays.stream(e.shape()).forEach(shape::add);
            n.put("rtol", e.tolerance().rtol());
            ArrayNode atol = n.putArray("atol");
            Arrays.stream(e.tolerance().atol()).forEach(atol::add);
        }
        AtomicFiles.writeString(out.resolve(FILE_NAME), json.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        return new SavedOutputs(out, kernels.name(), entries);
    }

    /** Loads {@code dir/saved-outputs.json}; every error names that file and, where one is at fault, the case. */
    public static SavedOutputs load(Path dir) throws GoldenFormatException {
        Path file = dir.resolve(FILE_NAME);
        if (!Files.isDirectory(dir)) {
            throw new GoldenFormatException(file, "no such folder (make one with memscope golden save --out " + dir + ")");
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new GoldenFormatException(file, "no saved outputs here (make them with memscope golden save --out "
                    + dir + "; a save that failed half-way leaves no manifest)");
        } catch (JsonProcessingException e) {
            throw new GoldenFormatException(file, "not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new GoldenFormatException(file, "cannot read: " + e);
        }
        if (root == null || !root.isObject() || !root.path("format").canConvertToInt()
                || root.get("format").asInt() != FORMAT) {
            throw new GoldenFormatException(file, "not a saved-outputs manifest of format " + FORMAT);
        }
        JsonNode list = root.path("cases");
        if (!list.isArray() || list.isEmpty()) {
            throw new GoldenFormatException(file, "'cases' must be a non-empty list");
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode n = list.get(i);
            String name = n.path("name").asText("");
            String where = name.isEmpty() ? "case #" + i : "case '" + name + "'";
            try {
                if (name.isEmpty() || !n.path("file").isTextual() || !n.path("shape").isArray()
                        || !n.path("rtol").isNumber() || !n.path("atol").isArray()) {
                    throw new IllegalArgumentException("needs name, file, shape, rtol and atol");
                }
                int[] shape = new int[n.get("shape").size()];
                for (int d = 0; d < shape.length; d++) {
                    shape[d] = n.get("shape").get(d).asInt();
                }
                double[] atol = new double[n.get("atol").size()];
                for (int a = 0; a < atol.length; a++) {
                    atol[a] = n.get("atol").get(a).asDouble();
                }
                Entry e = new Entry(name, n.get("file").asText(), shape, new Tolerance(n.get("rtol").asDouble(), atol));
                if (entries.put(name, e) != null) {
                    throw new IllegalArgumentException("appears twice");
                }
            } catch (IllegalArgumentException e) {
                throw new GoldenFormatException(file, where + ": " + e.getMessage());
            }
        }
        return new SavedOutputs(dir, root.path("backend").asText("?"), entries);
    }

    /**
     * Runs golden case {@code c} on {@code kernels} and compares the result with the saved output. The tolerance
     * is the saved one, with {@code rtol} / {@code atol} replacing its parts where not null.
     *
     * @throws GoldenFormatException when the case was not saved, or its file is missing or of another shape
     */
    public CaseResult check(GoldenCase c, ScoreKernels kernels, GoldenRunner runner, Double rtol, Double atol)
            throws IOException {
        Entry e = entries.get(c.name());
        Path manifest = dir.resolve(FILE_NAME);
        if (e == null) {
            throw new GoldenFormatException(manifest, "golden case '" + c.name() + "' was not saved here (saved: "
                    + String.join(", ", entries.keySet()) + "); save again with memscope golden save");
        }
        if (!Arrays.equals(e.shape(), c.outputShape())) {
            throw new GoldenFormatException(manifest, "case '" + c.name() + "' was saved with shape "
                    + Arrays.toString(e.shape()) + " but the golden case now gives " + Arrays.toString(c.outputShape()));
        }
        double[] saved = read(e);
        Tolerance base = e.tolerance();
        Tolerance tol = new Tolerance(rtol != null ? rtol : base.rtol(),
                atol != null ? new double[] {atol} : base.atol());
        float[] actual;
        try {
            actual = runner.prepare(c).run(kernels);
        } catch (RuntimeException ex) {
            return new CaseResult(c, kernels.name(), null, ex.toString());
        }
        return new CaseResult(c, kernels.name(), GoldenComparator.compare(saved, actual, c.outputShape(), tol), null);
    }

    private double[] read(Entry e) throws GoldenFormatException {
        Path file = dir.resolve(e.file());
        if (!Files.isRegularFile(file)) {
            throw new GoldenFormatException(dir.resolve(FILE_NAME), "case '" + e.name() + "': its output " + file
                    + " is missing");
        }
        NpyArray a;
        try {
            a = Npy.read(file);
        } catch (IOException ex) {
            throw new GoldenFormatException(dir.resolve(FILE_NAME), "case '" + e.name() + "': " + ex.getMessage());
        }
        if (!Arrays.equals(a.shape(), e.shape())) {
            throw new GoldenFormatException(dir.resolve(FILE_NAME), "case '" + e.name() + "': " + file + " holds "
                    + a.shapeString() + " but the manifest says " + Arrays.toString(e.shape()));
        }
        return a.values();
    }
}
