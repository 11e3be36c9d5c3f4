package dev.memscope.model.replay;

import dev.memscope.diffusion.NoiseSchedule;
import dev.memscope.json.JsonDocument;
import dev.memscope.json.JsonFormatException;
import dev.memscope.json.JsonValue;
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
        try {
            return new Reader(file, JsonDocument.read(file).root()).read();
        } catch (NoSuchFileException e) {
            throw new ReplayFormatException(file, "no replay manifest here (record one with scripts/record_eps.py, "
                    + "or point --replay at its output folder)");
        } catch (JsonFormatException e) {
            throw new ReplayFormatException(file, e.positionedProblem());
        } catch (IOException e) {
            throw new ReplayFormatException(file, "cannot read: " + e);
        }
    }

    /**
     * Parses one manifest. Errors about one field come from {@link JsonValue#fail} (positioned, with the field's
     * path); errors across fields from {@link #fail}; {@link #load} prefixes both with the manifest's path.
     */
    private static final class Reader {
        private final Path file;
        private final JsonValue root;

        Reader(Path file, JsonValue root) {
            this.file = file;
            this.root = root;
        }

        ReplayManifest read() throws ReplayFormatException {
            if (!root.isObject()) {
                throw root.fail("must be a JSON object, got " + root.shown());
            }
            JsonValue formatField = root.get("format");
            if (!FORMAT.equals(formatField.string())) {
                throw formatField.fail("must be \"" + FORMAT + "\", got " + formatField.shown());
            }
            JsonValue versionField = root.get("version");
            int version = versionField.integer();
            if (version != VERSION) {
                throw versionField.fail("is unsupported: " + version + " (this reader knows " + VERSION + ")");
            }
            String model = root.get("model").string();
            JsonValue ptField = root.get("prediction_type");
            String pt = ptField.string();
            PredictionType predictionType = Arrays.stream(PredictionType.values())
                    .filter(p -> p.diffusersName.equals(pt)).findFirst()
                    .orElseThrow(() -> ptField.fail("must be epsilon or v_prediction, got '" + pt + "'"));
            JsonValue latentField = root.get("latent_shape");
            int[] latent = latentField.ints();
            if (latent.length != 3 || Arrays.stream(latent).anyMatch(d -> d < 1)) {
                throw latentField.fail("must be [C, H, W] of positive sizes, got " + Arrays.toString(latent));
            }
            JsonValue imagesField = root.get("images_per_prompt");
            int images = imagesField.integer();
            if (images != 1) {
                throw imagesField.fail("is " + images + "; this reader replays one latent per prompt");
            }
            JsonValue noise = root.get("noise");
            if (!noise.isObject()) {
                throw noise.fail("must be an object with 'seed' and 'rule', got " + noise.shown());
            }
            String rule = noise.get("rule").string();
            List<Integer> timesteps = new ArrayList<>();
            JsonValue tsField = root.get("timesteps");
            for (int t : tsField.ints()) {
                if (t < 0 || t >= NoiseSchedule.TRAIN_STEPS) {
                    throw tsField.fail("holds " + t + ", outside [0, " + (NoiseSchedule.TRAIN_STEPS - 1) + "]");
                }
                if (timesteps.contains(t)) {
                    throw tsField.fail("lists " + t + " twice");
                }
                timesteps.add(t);
            }
            int steps = 0;
            double guidance = Double.NaN;
            JsonValue traj = root.get("trajectory");
            if (!traj.isAbsent()) {
                JsonValue stepsField = traj.get("steps");
                steps = stepsField.integer();
                if (steps < 1 || steps > NoiseSchedule.TRAIN_STEPS) {
                    throw stepsField.fail("must be in [1, " + NoiseSchedule.TRAIN_STEPS + "], got " + steps);
                }
                JsonValue g = traj.get("guidance");
                if (!g.isNumber() || !Double.isFinite(g.number())) {
                    throw g.fail("must be a finite number, got " + g.shown());
                }
                guidance = g.number();
                JsonValue trajTs = traj.get("timesteps");
                int[] ts = trajTs.ints();
                int[] expected = NoiseSchedule.stableDiffusion().ddimTimesteps(steps);
                if (!Arrays.equals(ts, expected)) {
                    throw trajTs.fail(abbreviate(ts) + " are not the DDIM schedule MemScope "
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
            JsonValue list = root.get("prompts");
            List<JsonValue> entries = list.elements("prompts");
            if (entries.isEmpty()) {
                throw list.fail("must be a non-empty list");
            }
            List<Prompt> out = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < entries.size(); i++) {
                JsonValue p = entries.get(i);
                JsonValue indexField = p.get("index");
                int index = indexField.integer();
                if (index != i) {
                    throw indexField.fail("is " + index + ", expected " + i + " (prompts in index order)");
                }
                JsonValue textField = p.get("prompt");
                String text = textField.string();
                if (text.isBlank()) {
                    throw textField.fail("is blank (that is the unconditional prompt)");
                }
                if (!seen.add(text)) {
                    throw textField.fail("repeats prompt '" + text + "': prompt " + i + " is recorded twice");
                }
                JsonValue l = p.get("label");
                String label = l.isAbsent() ? null : l.node().asText();
                if (label != null && !label.equals("mem") && !label.equals("nmem")) {
                    throw l.fail("must be \"mem\", \"nmem\" or null, got " + l.shown());
                }
                out.add(new Prompt(i, text, label));
            }
            return out;
        }

        private List<Shard> shards(int[] latent, List<Integer> timesteps, int steps, int prompts)
                throws ReplayFormatException {
            JsonValue list = root.get("shards");
            List<JsonValue> entries = list.elements("shards");
            if (entries.isEmpty()) {
                throw list.fail("must be a non-empty list");
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
            for (JsonValue s : entries) {
                JsonValue fileField = s.get("file");
                String name = fileField.string();
                if (!SAFE_NAME.matcher(name).matches() || name.startsWith(".")) {
                    throw fileField.fail("must be a plain file name in the manifest's folder, got '" + name + "'");
                }
                if (!files.add(name)) {
                    throw fileField.fail("names shard file '" + name + "', which is listed twice");
                }
                JsonValue fieldField = s.get("field");
                String field = fieldField.string();
                if (!FIELDS.contains(field)) {
                    throw fieldField.fail("is '" + field + "'; known: " + new java.util.TreeSet<>(FIELDS));
                }
                boolean pureEps = field.equals(EPS_U) || field.equals(EPS_C);
                int t = -1;
                if (pureEps) {
                    JsonValue tField = s.get("t");
                    t = tField.integer();
                    if (!timesteps.contains(t)) {
                        throw tField.fail("shard '" + name + "' holds " + field + " at t=" + t + ", which 'timesteps' "
                                + timesteps + " does not list");
                    }
                }
                boolean trajField = field.startsWith("traj_");
                if (trajField && steps == 0) {
                    throw fieldField.fail("shard '" + name + "' holds " + field
                            + " but the manifest has no 'trajectory'");
                }
                int first = s.get("first").integer();
                int count = s.get("count").integer();
                if (first < 0 || count < 1 || first + count > prompts) {
                    throw s.fail("shard '" + name + "' covers prompts [" + first + ", " + (first + count)
                            + "), outside the " + prompts + " recorded prompts");
                }
                JsonValue shapeField = s.get("shape");
                int[] shape = shapeField.ints();
                int[] expected = trajField ? new int[] {count, steps, latent[0], latent[1], latent[2]}
                        : new int[] {count, latent[0], latent[1], latent[2]};
                if (!Arrays.equals(shape, expected)) {
                    throw shapeField.fail("shard '" + name + "' declares shape " + Arrays.toString(shape)
                            + ", expected " + Arrays.toString(expected) + " (count " + count
                            + (trajField ? ", " + steps + " steps" : "") + ", latent " + Arrays.toString(latent) + ")");
                }
                JsonValue dtypeField = s.get("dtype");
                String dtype = dtypeField.string();
                if (!dtype.equals("float32")) {
                    throw dtypeField.fail("shard '" + name + "' declares dtype '" + dtype + "'; replays are float32");
                }
                JsonValue shaField = s.get("sha256");
                String sha = shaField.string().toLowerCase(Locale.ROOT);
                if (!SHA256.matcher(sha).matches()) {
                    throw shaField.fail("shard '" + name + "' has no valid 'sha256' (64 hex digits)");
                }
                if (!Files.isRegularFile(file.resolveSibling(name))) {
                    throw fail("shard '" + name + "' (" + field + (pureEps ? " at t=" + t : "")
                            + ") is missing: no file " + file.resolveSibling(name));
                }
                boolean[] covered = cover.get(pureEps ? field + "@" + t : field);
                for (int p = first; p < first + count; p++) {
                    if (covered[p]) {
                        throw s.fail("shard '" + name + "' covers prompt " + p + " of " + field
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
