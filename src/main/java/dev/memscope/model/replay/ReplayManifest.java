package dev.memscope.model.replay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.memscope.diffusion.NoiseSchedule;
import dev.memscope.model.PredictionType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * {@code manifest.json} of a replay folder as written by {@code scripts/record_eps.py}, checked before anything is
 * evaluated: the model's latent shape and prediction type, the recorded timesteps (a trajectory's must be the DDIM
 * schedule {@link NoiseSchedule#ddimTimesteps} gives, or the replay would not match what the Java sampler asks),
 * the prompts with their labels, and the shards, which must tile every recorded field's prompt range exactly once.
 * Every error names the manifest and the field or shard at fault. The shards' content (shape, dtype, sha256) is
 * checked against this manifest by {@link ReplayShards}.
 */
public final class ReplayManifest {
    public static final String FILE_NAME = "manifest.json";
    public static final String FORMAT = "memscope-replay";
    public static final int VERSION = 1;

    /** The latent fields on the pure-noise latent, keyed by t for eps. */
    public static final String NOISE = "noise";
    public static final String EPS_U = "eps_u";
    public static final String EPS_C = "eps_c";
    /** Trajectory fields, {@code [n, steps, C, H, W]}: the latent before each step, and both predictions there. */
    public static final String TRAJ_X = "traj_x";
    public static final String TRAJ_EPS_U = "traj_eps_u";
    public static final String TRAJ_EPS_C = "traj_eps_c";
    private static final Set<String> FIELDS = Set.of(NOISE, EPS_U, EPS_C, TRAJ_X, TRAJ_EPS_U, TRAJ_EPS_C);
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9._-]+");

    /** A recorded prompt; label is "mem", "nmem" or null. */
    public record Prompt(int index, String text, String label) {
    }

    /**
     * One .npy shard: {@code field} for prompts {@code [first, first + count)}; {@code t} is the timestep of a
     * pure-noise eps field and -1 otherwise.
     */
    public record Shard(String file, String field, int t, int first, int count, int[] shape, String dtype,
                        String sha256) {
        /** How errors name the shard. */
        public String describe() {
            return "shard '" + file + "' (" + field + (t >= 0 ? " at t=" + t : "") + ", prompts " + first + ".."
                    + (first + count - 1) + ")";
        }
    }

    private final Path file;
    private final String model;
    private final PredictionType predictionType;
    private final int channels;
    private final int height;
    private final int width;
    private final String noiseRule;
    private final List<Integer> timesteps;
    private final int trajectorySteps;
    private final double guidance;
    private final List<Prompt> prompts;
    private final List<Shard> shards;

    private ReplayManifest(Path file, String model, PredictionType predictionType, int[] latent, String noiseRule,
                           List<Integer> timesteps, int trajectorySteps, double guidance, List<Prompt> prompts,
                           List<Shard> shards) {
        this.file = file;
        this.model = model;
        this.predictionType = predictionType;
        this.channels = latent[0];
        this.height = latent[1];
        this.width = latent[2];
        this.noiseRule = noiseRule;
        this.timesteps = List.copyOf(timesteps);
        this.trajectorySteps = trajectorySteps;
        this.guidance = guidance;
        this.prompts = List.copyOf(prompts);
        this.shards = List.copyOf(shards);
    }

    public Path file() {
        return file;
    }

    public Path dir() {
        return file.getParent();
    }

    public String model() {
        return model;
    }

    public PredictionType predictionType() {
        return predictionType;
    }

    public int channels() {
        return channels;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** How the recorder drew each prompt's pure-noise latent, as it described it. */
    public String noiseRule() {
        return noiseRule;
    }

    /** Timesteps with eps_u and eps_c recorded on the pure-noise latent. */
    public List<Integer> timesteps() {
        return timesteps;
    }

    /** Steps of the recorded trajectory; 0 when none was recorded. */
    public int trajectorySteps() {
        return trajectorySteps;
    }

    /** Guidance scale of the recorded trajectory (NaN without one). */
    public double guidance() {
        return guidance;
    }

    public List<Prompt> prompts() {
        return prompts;
    }

    public List<Shard> shards() {
        return shards;
    }

    /** Every recorded prompt's text, in index order. */
    public List<String> promptTexts() {
        List<String> out = new ArrayList<>();
        for (Prompt p : prompts) {
            out.add(p.text());
        }
        return out;
    }

    /** The texts of the prompts labelled {@code label} ("mem" or "nmem"), in recorded order. */
    public List<String> promptsLabelled(String label) {
        List<String> out = new ArrayList<>();
        for (Prompt p : prompts) {
            if (label.equals(p.label())) {
                out.add(p.text());
            }
        }
        return out;
    }

    /** Reads and checks {@code dir/manifest.json} (shard files must exist; their content is checked later). */
    public static ReplayManifest load(Path dir) throws ReplayFormatException {
        Path file = dir.resolve(FILE_NAME);
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new ReplayFormatException(file, "no replay manifest here (record one with scripts/record_eps.py, "
                    + "or point --replay at its output folder)");
        } catch (JsonProcessingException e) {
            throw new ReplayFormatException(file, "not valid JSON: " + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr());
        } catch (IOException e) {
            throw new ReplayFormatException(file, "cannot read: " + e);
        }
        return new Reader(file, root).read();
    }

    /** Parses one manifest; {@code fail} keeps every message prefixed with the manifest's path. */
    private static final class Reader {
        private final Path file;
        private final JsonNode root;

        Reader(Path file, JsonNode root) {
            this.file = file;
            this.root = root;
        }

        ReplayManifest read() throws ReplayFormatException {
            if (root == null || !root.isObject()) {
                throw fail("expected a JSON object");
            }
            String format = text(root, "format", "");
            if (!FORMAT.equals(format)) {
                throw fail("'format' must be \"" + FORMAT + "\", got " + root.get("format"));
            }
            int version = integer(root, "version", "");
            if (version != VERSION) {
                throw fail("unsupported 'version' " + version + " (this reader knows " + VERSION + ")");
            }
            String model = text(root, "model", "");
            String pt = text(root, "prediction_type", "");
            PredictionType predictionType = Arrays.stream(PredictionType.values())
                    .filter(p -> p.diffusersName.equals(pt)).findFirst()
                    .orElseThrow(() -> fail("'prediction_type' must be epsilon or v_prediction, got '" + pt + "'"));
            int[] latent = ints(root, "latent_shape", "");
            if (latent.length != 3 || Arrays.stream(latent).anyMatch(d -> d < 1)) {
                throw fail("'latent_shape' must be [C, H, W] of positive sizes, got " + Arrays.toString(latent));
            }
            int images = integer(root, "images_per_prompt", "");
            if (images != 1) {
                throw fail("'images_per_prompt' is " + images + "; this reader replays one latent per prompt");
            }
            JsonNode noise = root.get("noise");
            if (noise == null || !noise.isObject()) {
                throw fail("'noise' must be an object with 'seed' and 'rule'");
            }
            String rule = text(noise, "rule", "noise.");
            List<Integer> timesteps = new ArrayList<>();
            for (int t : ints(root, "timesteps", "")) {
                if (t < 0 || t >= NoiseSchedule.TRAIN_STEPS) {
                    throw fail("'timesteps' holds " + t + ", outside [0, " + (NoiseSchedule.TRAIN_STEPS - 1) + "]");
                }
                if (timesteps.contains(t)) {
                    throw fail("'timesteps' lists " + t + " twice");
                }
                timesteps.add(t);
            }
            int steps = 0;
            double guidance = Double.NaN;
            JsonNode traj = root.get("trajectory");
            if (traj != null && !traj.isNull()) {
                steps = integer(traj, "steps", "trajectory.");
                if (steps < 1 || steps > NoiseSchedule.TRAIN_STEPS) {
                    throw fail("'trajectory.steps' must be in [1, " + NoiseSchedule.TRAIN_STEPS + "], got " + steps);
                }
                JsonNode g = traj.get("guidance");
                if (g == null || !g.isNumber() || !Double.isFinite(g.asDouble())) {
                    throw fail("'trajectory.guidance' must be a finite number, got " + g);
                }
                guidance = g.asDouble();
                int[] ts = ints(traj, "timesteps", "trajectory.");
                int[] expected = NoiseSchedule.stableDiffusion().ddimTimesteps(steps);
                if (!Arrays.equals(ts, expected)) {
                    throw fail("'trajectory.timesteps' " + abbreviate(ts) + " are not the DDIM schedule MemScope "
                            + "samples with for " + steps + " steps: " + abbreviate(expected));
                }
            }
            if (timesteps.isEmpty() && steps == 0) {
                throw fail("nothing recorded: 'timesteps' is empty and there is no 'trajectory'");
            }
            List<Prompt> prompts = prompts();
            List<Shard> shards = shards(latent, timesteps, steps, prompts.size());
            return new ReplayManifest(file, model, predictionType, latent, rule, timesteps, steps, guidance, prompts,
                    shards);
        }

        private List<Prompt> prompts() throws ReplayFormatException {
            JsonNode list = root.get("prompts");
            if (list == null || !list.isArray() || list.isEmpty()) {
                throw fail("'prompts' must be a non-empty list");
            }
            List<Prompt> out = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < list.size(); i++) {
                JsonNode p = list.get(i);
                String where = "prompts[" + i + "].";
                int index = integer(p, "index", where);
                if (index != i) {
                    throw fail("'" + where + "index' is " + index + ", expected " + i + " (prompts in index order)");
                }
                String text = text(p, "prompt", where);
                if (text.isBlank()) {
                    throw fail("'" + where + "prompt' is blank (that is the unconditional prompt)");
                }
                if (!seen.add(text)) {
                    throw fail("prompt " + i + " '" + text + "' is recorded twice");
                }
                JsonNode l = p.get("label");
                String label = l == null || l.isNull() ? null : l.asText();
                if (label != null && !label.equals("mem") && !label.equals("nmem")) {
                    throw fail("'" + where + "label' must be \"mem\", \"nmem\" or null, got " + l);
                }
                out.add(new Prompt(i, text, label));
            }
            return out;
        }

        private List<Shard> shards(int[] latent, List<Integer> timesteps, int steps, int prompts)
                throws ReplayFormatException {
            JsonNode list = root.get("shards");
            if (list == null || !list.isArray() || list.isEmpty()) {
                throw fail("'shards' must be a non-empty list");
            }
            List<Shard> out = new ArrayList<>();
            Set<String> files = new HashSet<>();
            // every (field, t) that must be present, with the prompts its shards cover
            Map<String, boolean[]> cover = new TreeMap<>();
            cover.put(NOISE, new boolean[prompts]);
            for (int t : timesteps) {
                cover.put(EPS_U + "@" + t, new boolean[prompts]);
                cover.put(EPS_C + "@" + t, new boolean[prompts]);
            }
            if (steps > 0) {
                for (String f : List.of(TRAJ_X, TRAJ_EPS_U, TRAJ_EPS_C)) {
                    cover.put(f, new boolean[prompts]);
                }
            }
            for (int i = 0; i < list.size(); i++) {
                JsonNode s = list.get(i);
                String where = "shards[" + i + "].";
                String name = text(s, "file", where);
                if (!SAFE_NAME.matcher(name).matches() || name.startsWith(".")) {
                    throw fail("'" + where + "file' must be a plain file name in the manifest's folder, got '"
                            + name + "'");
                }
                if (!files.add(name)) {
                    throw fail("shard file '" + name + "' is listed twice");
                }
                String field = text(s, "field", where);
                if (!FIELDS.contains(field)) {
                    throw fail("'" + where + "field' is '" + field + "'; known: " + new java.util.TreeSet<>(FIELDS));
                }
                boolean pureEps = field.equals(EPS_U) || field.equals(EPS_C);
                int t = -1;
                if (pureEps) {
                    t = integer(s, "t", where);
                    if (!timesteps.contains(t)) {
                        throw fail("shard '" + name + "' holds " + field + " at t=" + t + ", which 'timesteps' "
                                + timesteps + " does not list");
                    }
                }
                boolean trajField = field.startsWith("traj_");
                if (trajField && steps == 0) {
                    throw fail("shard '" + name + "' holds " + field + " but the manifest has no 'trajectory'");
                }
                int first = integer(s, "first", where);
                int count = integer(s, "count", where);
                if (first < 0 || count < 1 || first + count > prompts) {
                    throw fail("shard '" + name + "' covers prompts [" + first + ", " + (first + count)
                            + "), outside the " + prompts + " recorded prompts");
                }
                int[] shape = ints(s, "shape", where);
                int[] expected = trajField ? new int[] {count, steps, latent[0], latent[1], latent[2]}
                        : new int[] {count, latent[0], latent[1], latent[2]};
                if (!Arrays.equals(shape, expected)) {
                    throw fail("shard '" + name + "' declares shape " + Arrays.toString(shape) + ", expected "
                            + Arrays.toString(expected) + " (count " + count
                            + (trajField ? ", " + steps + " steps" : "") + ", latent " + Arrays.toString(latent) + ")");
                }
                String dtype = text(s, "dtype", where);
                if (!dtype.equals("float32")) {
                    throw fail("shard '" + name + "' declares dtype '" + dtype + "'; replays are float32");
                }
                String sha = text(s, "sha256", where).toLowerCase(Locale.ROOT);
                if (!SHA256.matcher(sha).matches()) {
                    throw fail("shard '" + name + "' has no valid 'sha256' (64 hex digits)");
                }
                if (!Files.isRegularFile(file.resolveSibling(name))) {
                    throw fail("shard '" + name + "' (" + field + (pureEps ? " at t=" + t : "")
                            + ") is missing: no file " + file.resolveSibling(name));
                }
                boolean[] covered = cover.get(pureEps ? field + "@" + t : field);
                for (int p = first; p < first + count; p++) {
                    if (covered[p]) {
                        throw fail("shard '" + name + "' covers prompt " + p + " of " + field
                                + (pureEps ? " at t=" + t : "") + ", which another shard already covers");
                    }
                    covered[p] = true;
                }
                out.add(new Shard(name, field, t, first, count, shape, dtype, sha));
            }
            for (Map.Entry<String, boolean[]> e : cover.entrySet()) {
                List<Integer> missing = new ArrayList<>();
                for (int p = 0; p < prompts; p++) {
                    if (!e.getValue()[p]) {
                        missing.add(p);
                    }
                }
                if (!missing.isEmpty()) {
                    throw fail("no shard holds " + e.getKey().replace("@", " at t=") + " for prompts "
                            + ranges(missing) + " (of " + prompts + " recorded)");
                }
            }
            return out;
        }

        private ReplayFormatException fail(String problem) {
            return new ReplayFormatException(file, problem);
        }

        private String text(JsonNode node, String key, String where) throws ReplayFormatException {
            JsonNode v = node == null ? null : node.get(key);
            if (v == null || !v.isTextual()) {
                throw fail("'" + where + key + "' must be a string, got " + v);
            }
            return v.asText();
        }

        private int integer(JsonNode node, String key, String where) throws ReplayFormatException {
            JsonNode v = node == null ? null : node.get(key);
            if (v == null || !v.isIntegralNumber() || !v.canConvertToInt()) {
                throw fail("'" + where + key + "' must be an integer, got " + v);
            }
            return v.asInt();
        }

        private int[] ints(JsonNode node, String key, String where) throws ReplayFormatException {
            JsonNode v = node == null ? null : node.get(key);
            if (v == null || !v.isArray()) {
                throw fail("'" + where + key + "' must be a list of integers, got " + v);
            }
            int[] out = new int[v.size()];
            for (int i = 0; i < out.length; i++) {
                JsonNode e = v.get(i);
                if (!e.isIntegralNumber() || !e.canConvertToInt()) {
                    throw fail("'" + where + key + "[" + i + "]' must be an integer, got " + e);
                }
                out[i] = e.asInt();
            }
            return out;
        }
    }

    private static String abbreviate(int[] ts) {
        if (ts.length <= 6) {
            return Arrays.toString(ts);
        }
        return "[" + ts[0] + ", " + ts[1] + ", " + ts[2] + ", ..., " + ts[ts.length - 1] + "] (" + ts.length + ")";
    }

    /** {@code [3, 4, 5, 9]} as "3..5, 9". */
    static String ranges(List<Integer> sorted) {
        StringBuilder b = new StringBuilder();
        int i = 0;
        while (i < sorted.size()) {
            int j = i;
            while (j + 1 < sorted.size() && sorted.get(j + 1) == sorted.get(j) + 1) {
                j++;
            }
            if (b.length() > 0) {
                b.append(", ");
            }
            b.append(sorted.get(i));
            if (j > i) {
                b.append("..").append(sorted.get(j));
            }
            i = j + 1;
        }
        return b.toString();
    }
}
