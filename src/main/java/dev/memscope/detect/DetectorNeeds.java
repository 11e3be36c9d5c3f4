package dev.memscope.detect;

import dev.memscope.diffusion.NoiseSchedule;
import dev.memscope.model.RecordedNoise;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;

/**
 * What a detector asks of its model, stated so that a model which can only answer some questions (a replay of
 * recorded tensors, {@link RecordedNoise}) can tell in advance whether it can serve the detector, and why not.
 *
 * @param pureNoiseTimesteps timesteps at which the detector evaluates eps_u and eps_c on the pure-noise latent
 * @param trajectorySteps    DDIM steps of the CFG trajectory it follows (0: none)
 * @param guidance           the trajectory's guidance scale (ignored without a trajectory)
 * @param imagesPerPrompt    pure-noise latents (or generations) per prompt
 * @param beyondRecording    what else it needs that no recording of eps at fixed latents provides (null: nothing)
 */
public record DetectorNeeds(List<Integer> pureNoiseTimesteps, int trajectorySteps, double guidance,
                            int imagesPerPrompt, String beyondRecording) {

    public DetectorNeeds {
        pureNoiseTimesteps = List.copyOf(pureNoiseTimesteps);
    }

    /** eps_u/eps_c at these timesteps on the pure-noise latents only. */
    public static DetectorNeeds pureNoise(int images, int... timesteps) {
        List<Integer> ts = new ArrayList<>();
        for (int t : timesteps) {
            ts.add(t);
        }
        return new DetectorNeeds(ts, 0, Double.NaN, images, null);
    }

    /** A full CFG DDIM trajectory per image. */
    public static DetectorNeeds trajectory(int images, int steps, double guidance) {
        return new DetectorNeeds(List.of(), steps, guidance, images, null);
    }

    /** Model evaluations a recording cannot hold (Jacobians, perturbed inputs, ...). */
    public static DetectorNeeds beyondRecording(int images, String what) {
        return new DetectorNeeds(List.of(), 0, Double.NaN, images, what);
    }

    /**
     * Why a recording cannot serve these needs ("needs ..."), or empty when it can. The first step of a recorded
     * trajectory is also an evaluation on the pure-noise latent, so it counts as a pure-noise timestep.
     */
    public Optional<String> unmetBy(RecordedNoise.Recorded r) {
        if (beyondRecording != null) {
            return Optional.of("needs " + beyondRecording);
        }
        TreeSet<Integer> have = new TreeSet<>(r.pureNoiseTimesteps());
        if (r.trajectorySteps() > 0) {
            have.add(NoiseSchedule.stableDiffusion().ddimTimesteps(r.trajectorySteps())[0]);
        }
        List<Integer> missing = new ArrayList<>();
        for (int t : pureNoiseTimesteps) {
            if (!have.contains(t)) {
                missing.add(t);
            }
        }
        if (!missing.isEmpty()) {
            return Optional.of("needs eps_u/eps_c on the pure-noise latent at t = " + missing
                    + "; the recording has t = " + have.descendingSet());
        }
        if (trajectorySteps > 0 && (r.trajectorySteps() != trajectorySteps || r.guidance() != guidance)) {
            String has = r.trajectorySteps() == 0 ? "no trajectory"
                    : String.format(Locale.ROOT, "a %d-step trajectory at guidance %s", r.trajectorySteps(),
                    r.guidance());
            return Optional.of(String.format(Locale.ROOT, "needs the %d-step CFG DDIM trajectory at guidance %s; "
                    + "the recording has %s (record with --trajectory)", trajectorySteps, guidance, has));
        }
        if (imagesPerPrompt > r.imagesPerPrompt()) {
            return Optional.of("needs " + imagesPerPrompt + " images per prompt; the recording has "
                    + r.imagesPerPrompt());
        }
        return Optional.empty();
    }
}
