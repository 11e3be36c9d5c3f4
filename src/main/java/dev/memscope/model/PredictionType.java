package dev.memscope.model;

/** What a denoiser's raw output means; detectors convert to eps with {@link dev.memscope.kernels.Conversion}. */
public enum PredictionType {
    /** The added noise (SD v1, the lab). */
    EPSILON("epsilon"),
    /** {@code v = sqrt(abar) eps - sqrt(1 - abar) x0} (SD v2 768). */
    V_PREDICTION("v_prediction");

    /** The diffusers spelling, used in exported JSON. */
    public final String diffusersName;

    PredictionType(String diffusersName) {
        this.diffusersName = diffusersName;
    }
}
