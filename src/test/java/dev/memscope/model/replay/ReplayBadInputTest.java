package dev.memscope.model.replay;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memscope.tensor.Npy;
import dev.memscope.tensor.NpyArray;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A manifest that does not match its shards (or is broken itself) is refused when the replay is opened, naming the
 * manifest and the field or shard at fault, before any detector runs.
 */
class ReplayBadInputTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NOISE0 = "noise_000000-000004.npy";

    @TempDir
    Path tmp;

    private Path pure() throws Exception {
        return ReplayTestData.copy(ReplayTestData.pure(), tmp.resolve("pure"));
    }

    private static void editManifest(Path dir, Consumer<ObjectNode> edit) throws Exception {
        Path f = dir.resolve(ReplayManifest.FILE_NAME);
        ObjectNode root = (ObjectNode) JSON.readTree(f.toFile());
        edit.accept(root);
        JSON.writeValue(f.toFile(), root);
    }

    private static ObjectNode shard(ObjectNode root, String file) {
        for (var s : root.get("shards")) {
            if (s.get("file").asText().equals(file)) {
                return (ObjectNode) s;
            }
        }
        throw new AssertionError(file);
    }

    /** Replaces a shard's content and records its new sha256, so only the content itself is wrong. */
    private static void replaceShard(Path dir, String file, NpyArray content) throws Exception {
        Npy.write(dir.resolve(file), content);
        String sha = ReplayShards.sha256(Files.readAllBytes(dir.resolve(file)));
        editManifest(dir, root -> shard(root, file).put("sha256", sha));
    }

    private static void assertRefused(Path dir, String... parts) {
        var a = assertThatThrownBy(() -> ReplayDenoiser.open(dir)).isInstanceOf(ReplayFormatException.class)
                .hasMessageStartingWith(dir.resolve(ReplayManifest.FILE_NAME) + ": ");
        for (String p : parts) {
            a.hasMessageContaining(p);
        }
    }

    @Test
    void shardCountsThatLeavePromptsUncovered() throws Exception {
        Path dir = pure();
        editManifest(dir, root -> {
            ObjectNode s = shard(root, NOISE0);
            s.put("count", 4);
            ((ArrayNode) s.get("shape")).set(0, 4);
        });
        assertRefused(dir, "no shard holds noise for prompts 4 (of 12 recorded)");
    }

    @Test
    void shardHoldingFewerPromptsThanTheManifestSays() throws Exception {
        Path dir = pure();
        NpyArray a = Npy.read(dir.resolve(NOISE0));
        int per = 4 * 8 * 8;
        replaceShard(dir, NOISE0, new NpyArray(a.dtype(), new int[] {4, 4, 8, 8},
                Arrays.copyOf(a.values(), 4 * per)));
        assertRefused(dir, "shard '" + NOISE0 + "' (noise, prompts 0..4)", "has shape [4, 4, 8, 8]",
                "the manifest says [5, 4, 8, 8]", "the manifest's count is 5");
    }

    @Test
    void fewerPromptsThanTheShardsCover() throws Exception {
        Path dir = pure();
        editManifest(dir, root -> ((ArrayNode) root.get("prompts")).remove(11));
        assertRefused(dir, "covers prompts [10, 12), outside the 11 recorded prompts");
    }

    @Test
    void overlappingShards() throws Exception {
        Path dir = pure();
        editManifest(dir, root -> shard(root, "noise_000005-000009.npy").put("first", 4));
        assertRefused(dir, "covers prompt 4 of noise, which another shard already covers");
    }

    @Test
    void wrongDeclaredShape() throws Exception {
        Path dir = pure();
        editManifest(dir, root -> ((ArrayNode) shard(root, "eps_u_t41_000005-000009.npy").get("shape")).set(3, 9));
        assertRefused(dir, "shard 'eps_u_t41_000005-000009.npy' declares shape [5, 4, 8, 9], expected [5, 4, 8, 8]");
    }

    @Test
    void missingShard() throws Exception {
        Path dir = pure();
        Files.delete(dir.resolve("eps_c_t981_000010-000011.npy"));
        assertRefused(dir, "shard 'eps_c_t981_000010-000011.npy' (eps_c at t=981) is missing");
    }

    @Test
    void shaMismatch() throws Exception {
        Path dir = pure();
        Files.copy(dir.resolve("eps_u_t41_000000-000004.npy"), dir.resolve("eps_c_t41_000000-000004.npy"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertRefused(dir, "shard 'eps_c_t41_000000-000004.npy' (eps_c at t=41, prompts 0..4)", "has sha256 ",
                ", the manifest says ");
    }

    @Test
    void wrongDtypeAndNonFiniteValues() throws Exception {
        Path dir = pure();
        NpyArray a = Npy.read(dir.resolve(NOISE0));
        replaceShard(dir, NOISE0, new NpyArray(dev.memscope.tensor.DType.FLOAT64, a.shape(), a.values()));
        assertRefused(dir, "holds float64; the manifest says float32");

        Path dir2 = ReplayTestData.copy(ReplayTestData.pure(), tmp.resolve("nan"));
        double[] v = a.values().clone();
        v[70] = Double.NaN;
        replaceShard(dir2, NOISE0, new NpyArray(a.dtype(), a.shape(), v));
        assertRefused(dir2, "holds NaN at flat index 70");
    }

    @Test
    void trajectoryTimestepsThatAreNotJavasSchedule() throws Exception {
        Path dir = ReplayTestData.copy(ReplayTestData.trajectory(), tmp.resolve("traj"));
        editManifest(dir, root -> ((ArrayNode) root.get("trajectory").get("timesteps")).set(0, 999));
        assertRefused(dir, "'trajectory.timesteps' [999, 961, 941, ..., 1] (50) are not the DDIM schedule");
    }

    @Test
    void brokenManifests() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertRefused(empty, "no replay manifest here");
        Path dir = pure();
        Files.writeString(dir.resolve(ReplayManifest.FILE_NAME), "{\"format\": ");
        assertRefused(dir, "not valid JSON");
        Path dir2 = ReplayTestData.copy(ReplayTestData.pure(), tmp.resolve("v"));
        editManifest(dir2, root -> root.put("prediction_type", "sample"));
        assertRefused(dir2, "'prediction_type' must be epsilon or v_prediction, got 'sample'");
        Path dir3 = ReplayTestData.copy(ReplayTestData.pure(), tmp.resolve("t"));
        editManifest(dir3, root -> shard(root, "eps_u_t41_000000-000004.npy").put("t", 40));
        assertRefused(dir3, "holds eps_u at t=40, which 'timesteps' [981, 41] does not list");
        Path dir4 = ReplayTestData.copy(ReplayTestData.pure(), tmp.resolve("f"));
        editManifest(dir4, root -> shard(root, NOISE0).put("file", "../noise.npy"));
        assertRefused(dir4, "must be a plain file name");
    }
}
