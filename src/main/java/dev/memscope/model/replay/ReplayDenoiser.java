package dev.memscope.model.replay;

import dev.memscope.diffusion.NoiseSchedule;
import dev.memscope.model.Condition;
import dev.memscope.model.Denoiser;
import dev.memscope.model.PredictionType;
import dev.memscope.model.RecordedNoise;
import dev.memscope.tensor.Shape;
import dev.memscope.tensor.TensorF32;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link Denoiser} that answers from tensors recorded on a real model by {@code scripts/record_eps.py}: for a
 * recorded prompt at a recorded timestep it returns the recorded output, after checking that the latent it is
 * asked about is the latent the output was recorded at (within {@link #LATENT_ATOL} + {@link #LATENT_RTOL}
 * |recorded|). Anything else is refused, because a replay cannot evaluate inputs it did not record.
 *
 * <p>The unconditional output depends only on the latent and t, so a null-condition sample is answered from any
 * recorded prompt whose latent matches (its classifier-free-guidance partner in the same batch is tried first).
 * Detectors take their initial latents from {@link #initialNoise} instead of their own seeds.
 */
public final class ReplayDenoiser implements Denoiser, RecordedNoise {
    /**
     * How far a latent may be from the recorded one. Pure-noise latents come back bit-identical; trajectory latents
     * are re-derived by Java's DDIM step from the recorded eps, which rounds differently from the recorder's step
     * in the last float32 bits, and the step's growth factor (up to 1/sqrt(abar) ~ 13 over 50 steps) carries that
     * along. The tiny-model test recording drifts by less than 1e-6; a latent from any other input is off by O(1).
     */
    public static final double LATENT_ATOL = 1e-4;
    public static final double LATENT_RTOL = 1e-4;

    private final ReplayManifest manifest;
    private final ReplayShards shards;
    private final Map<String, Condition> conditions = new HashMap<>();
    private final Map<Condition, Integer> indexOf = new IdentityHashMap<>();
    private final int[] trajectoryTimesteps;
    private final int per;

    private ReplayDenoiser(ReplayManifest manifest, ReplayShards shards) {
        this.manifest = manifest;
        this.shards = shards;
        for (ReplayManifest.Prompt p : manifest.prompts()) {
            // the embedding is only an identity token: a replay never computes with it
            Condition c = Condition.of(new float[] {p.index()}, p.text());
            conditions.put(p.text(), c);
            indexOf.put(c, p.index());
        }
        trajectoryTimesteps = manifest.trajectorySteps() == 0 ? new int[0]
                : NoiseSchedule.stableDiffusion().ddimTimesteps(manifest.trajectorySteps());
        per = manifest.channels() * manifest.height() * manifest.width();
    }

    /** Opens {@code dir}: reads the manifest and checks every shard against it (sha256, dtype, shape, finite). */
    public static ReplayDenoiser open(Path dir) throws ReplayFormatException {
        ReplayManifest m = ReplayManifest.load(dir);
        ReplayShards s = new ReplayShards(m);
        s.verifyAll();
        return new ReplayDenoiser(m, s);
    }

    public ReplayManifest manifest() {
        return manifest;
    }

    @Override
    public Optional<RecordedNoise> recording() {
        return Optional.of(this);
    }

    @Override
    public PredictionType predictionType() {
        return manifest.predictionType();
    }

    @Override
    public int channels() {
        return manifest.channels();
    }

    @Override
    public int height() {
        return manifest.height();
    }

    @Override
    public int width() {
        return manifest.width();
    }

    @Override
    public Condition condition(String prompt) {
        if (prompt == null || prompt.isEmpty()) {
            return Condition.NULL;
        }
        Condition c = conditions.get(prompt);
        if (c == null) {
            throw new IllegalArgumentException("prompt '" + prompt + "' was not recorded in " + manifest.file() + " ("
                    + conditions.size() + " prompts are recorded; a replay scores only those)");
        }
        return c;
    }

    @Override
    public TensorF32 initialNoise(String prompt, int image) {
        int p = promptIndex(condition(prompt));
        if (image != 0) {
            throw new IllegalArgumentException("image " + image + " of prompt '" + prompt + "' was not recorded in "
                    + manifest.file() + " (one pure-noise latent per prompt)");
        }
        float[] d = new float[per];
        System.arraycopy(latent(Source.pure(-1), p), offset(Source.pure(-1), p), d, 0, per);
        return new TensorF32(new Shape(1, channels(), height(), width()), d);
    }

    @Override
    public Recorded recorded() {
        return new Recorded(new LinkedHashSet<>(manifest.timesteps()), manifest.trajectorySteps(),
                manifest.guidance(), 1);
    }

    @Override
    public void predict(TensorF32 xt, int t, Condition[] conds, TensorF32 out) {
        Shape s = xt.shape();
        if (s.channels() != channels() || s.height() != height() || s.width() != width()) {
            throw new IllegalArgumentException("replay " + manifest.file() + " recorded latents of " + channels() + "x"
                    + height() + "x" + width() + ", asked about " + s);
        }
        if (conds.length != s.batch() || !out.shape().equals(s)) {
            throw new IllegalArgumentException("replay predict: " + conds.length + " conditions and output " + out.shape()
                    + " for a batch of " + s);
        }
        List<Source> sources = sourcesAt(t);
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("replay cannot evaluate unrecorded inputs: t = " + t + " was not "
                    + "recorded in " + manifest.file() + " (" + describeRecorded() + ")");
        }
        int half = s.batch() % 2 == 0 ? s.batch() / 2 : -1;
        for (int b = 0; b < s.batch(); b++) {
            Condition c = conds[b];
            Match m;
            if (!c.isNull()) {
                int p = promptIndex(c);
                m = match(p, sources, xt, b);
                if (m == null) {
                    throw mismatch(xt, b, t, p, sources);
                }
            } else {
                m = matchUnconditional(xt, b, sources, conds, half);
            }
            String field = m.source.trajectory ? (c.isNull() ? ReplayManifest.TRAJ_EPS_U : ReplayManifest.TRAJ_EPS_C)
                    : (c.isNull() ? ReplayManifest.EPS_U : ReplayManifest.EPS_C);
            Source from = new Source(m.source.trajectory, m.source.t, m.source.step, field);
            System.arraycopy(latent(from, m.prompt), offset(from, m.prompt), out.data(), out.offset(b), per);
        }
    }

    /** Where (t) was recorded: the pure-noise latent at t, and every trajectory step at t. */
    private List<Source> sourcesAt(int t) {
        List<Source> out = new ArrayList<>();
        if (manifest.timesteps().contains(t)) {
            out.add(Source.pure(t));
        }
        for (int k = 0; k < trajectoryTimesteps.length; k++) {
            if (trajectoryTimesteps[k] == t) {
                out.add(new Source(true, t, k, ReplayManifest.TRAJ_X));
            }
        }
        return out;
    }

    private record Source(boolean trajectory, int t, int step, String field) {
        static Source pure(int t) {
            return new Source(false, t, -1, ReplayManifest.NOISE);
        }

        /** The latent this source's outputs were recorded at. */
        Source latentField() {
            return new Source(trajectory, t, step, trajectory ? ReplayManifest.TRAJ_X : ReplayManifest.NOISE);
        }
    }

    private record Match(int prompt, Source source) {
    }

    private Match match(int p, List<Source> sources, TensorF32 xt, int b) {
        for (Source src : sources) {
            Source lf = src.latentField();
            if (close(xt.data(), xt.offset(b), latent(lf, p), offset(lf, p))) {
                return new Match(p, src);
            }
        }
        return null;
    }

    private Match matchUnconditional(TensorF32 xt, int b, List<Source> sources, Condition[] conds, int half) {
        if (half > 0) {
            int partner = b < half ? b + half : b - half;
            if (!conds[partner].isNull()) {
                Match m = match(promptIndex(conds[partner]), sources, xt, b);
                if (m != null) {
                    return m;
                }
            }
        }
        for (int p = 0; p < manifest.prompts().size(); p++) {
            Match m = match(p, sources, xt, b);
            if (m != null) {
                return m;
            }
        }
        throw new IllegalArgumentException("replay cannot evaluate unrecorded inputs: unconditional sample " + b
                + " at t = " + t(sources) + " matches no recorded latent of any of the " + manifest.prompts().size()
                + " prompts in " + manifest.file() + " (tolerance " + tolerance() + ")");
    }

    private IllegalArgumentException mismatch(TensorF32 xt, int b, int t, int p, List<Source> sources) {
        StringBuilder worst = new StringBuilder();
        for (Source src : sources) {
            Source lf = src.latentField();
            float[] r = latent(lf, p);
            int o = offset(lf, p);
            double max = -1;
            int at = 0;
            for (int i = 0; i < per; i++) {
                double d = Math.abs((double) xt.data()[xt.offset(b) + i] - r[o + i]);
                if (d > max) {
                    max = d;
                    at = i;
                }
            }
            worst.append(String.format(Locale.ROOT, "; vs the %s: max |x - recorded| = %.3g at element %d",
                    src.trajectory ? "trajectory latent of step " + src.step : "pure-noise latent", max, at));
        }
        return new IllegalArgumentException("replay cannot evaluate unrecorded inputs: sample " + b + " (prompt "
                + p + " '" + manifest.prompts().get(p).text() + "', t = " + t + ") is not the latent recorded in "
                + manifest.file() + worst + " (tolerance " + tolerance() + ")");
    }

    private static int t(List<Source> sources) {
        return sources.get(0).t;
    }

    private static String tolerance() {
        return "|x - recorded| <= " + LATENT_ATOL + " + " + LATENT_RTOL + " |recorded|";
    }

    private String describeRecorded() {
        String traj = trajectoryTimesteps.length == 0 ? "no trajectory"
                : String.format(Locale.ROOT, "a %d-step trajectory at t = %d, %d, ..., %d", trajectoryTimesteps.length,
                trajectoryTimesteps[0], trajectoryTimesteps.length > 1 ? trajectoryTimesteps[1] : trajectoryTimesteps[0],
                trajectoryTimesteps[trajectoryTimesteps.length - 1]);
        return "pure-noise latent at t = " + manifest.timesteps() + "; " + traj;
    }

    private boolean close(float[] x, int xo, float[] r, int ro) {
        for (int i = 0; i < per; i++) {
            double rec = r[ro + i];
            if (!(Math.abs(x[xo + i] - rec) <= LATENT_ATOL + LATENT_RTOL * Math.abs(rec))) {
                return false;
            }
        }
        return true;
    }

    private int promptIndex(Condition c) {
        Integer p = indexOf.get(c);
        if (p == null) {
            throw new IllegalArgumentException("condition " + c + " was not made by this replay (" + manifest.file()
                    + "); use its condition(prompt)");
        }
        return p;
    }

    /** The shard values holding (source, prompt p); see {@link #offset}. */
    private float[] latent(Source src, int p) {
        return shards.values(shards.shardOf(src.field, src.trajectory || src.field.equals(ReplayManifest.NOISE)
                ? -1 : src.t, p));
    }

    private int offset(Source src, int p) {
        ReplayManifest.Shard s = shards.shardOf(src.field, src.trajectory || src.field.equals(ReplayManifest.NOISE)
                ? -1 : src.t, p);
        int row = p - s.first();
        return src.trajectory ? (row * manifest.trajectorySteps() + src.step) * per : row * per;
    }
}
