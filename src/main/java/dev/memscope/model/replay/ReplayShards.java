package dev.memscope.model.replay;

import dev.memscope.tensor.DType;
import dev.memscope.tensor.Npy;
import dev.memscope.tensor.NpyArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The shards of a replay, checked against the manifest and loaded on demand. {@link #verifyAll} reads every shard
 * once (sha256 of the bytes, then dtype and shape); the detectors then load shards as they reach them and keep the
 * most recent {@link #CACHED_SHARDS}, so a long trajectory recording never has to fit in memory at once.
 */
final class ReplayShards {
    static final int CACHED_SHARDS = 32;

    private final ReplayManifest manifest;
    private final Map<ReplayManifest.Shard, float[]> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ReplayManifest.Shard, float[]> e) {
            return size() > CACHED_SHARDS;
        }
    };

    ReplayShards(ReplayManifest manifest) {
        this.manifest = manifest;
    }

    /** Checks every shard's sha256, dtype, shape and values (finite) against the manifest. */
    void verifyAll() throws ReplayFormatException {
        for (ReplayManifest.Shard s : manifest.shards()) {
            read(s);
        }
    }

    /** The shard's values, C order as its shape says (float32). */
    synchronized float[] values(ReplayManifest.Shard s) {
        float[] v = cache.get(s);
        if (v == null) {
            try {
                v = read(s);
            } catch (ReplayFormatException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
            cache.put(s, v);
        }
        return v;
    }

    private float[] read(ReplayManifest.Shard s) throws ReplayFormatException {
        Path path = manifest.dir().resolve(s.file());
        String where = s.describe() + " (" + path + ")";
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (IOException e) {
            throw fail(where + " cannot be read: " + e);
        }
        String sha = sha256(bytes);
        if (!sha.equals(s.sha256())) {
            throw fail(where + " has sha256 " + sha + ", the manifest says " + s.sha256()
                    + " (the file changed after recording, or belongs to another recording)");
        }
        NpyArray a;
        try {
            a = Npy.read(path);
        } catch (IOException e) {
            throw fail(where + " is not a readable .npy: " + e.getMessage());
        }
        if (a.dtype() != DType.FLOAT32) {
            throw fail(where + " holds " + a.dtype().name().toLowerCase() + "; the manifest says " + s.dtype());
        }
        if (!Arrays.equals(a.shape(), s.shape())) {
            throw fail(where + " has shape " + a.shapeString() + "; the manifest says " + Arrays.toString(s.shape())
                    + (a.shape().length > 0 && a.shape()[0] != s.count() ? " (" + a.shape()[0] + " prompts, the "
                    + "manifest's count is " + s.count() + ")" : ""));
        }
        float[] v = a.toFloatArray();
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                throw fail(where + " holds " + v[i] + " at flat index " + i);
            }
        }
        return v;
    }

    private ReplayFormatException fail(String problem) {
        return new ReplayFormatException(manifest.file(), problem);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }

    /** The shard of {@code field} (at pure-noise timestep t, or -1) that holds prompt p. */
    ReplayManifest.Shard shardOf(String field, int t, int p) {
        for (ReplayManifest.Shard s : manifest.shards()) {
            if (s.field().equals(field) && s.t() == t && p >= s.first() && p < s.first() + s.count()) {
                return s;
            }
        }
        // the manifest checked that the shards tile every recorded field
        throw new IllegalStateException(manifest.file() + ": no shard holds " + field + " t=" + t + " prompt " + p);
    }
}
