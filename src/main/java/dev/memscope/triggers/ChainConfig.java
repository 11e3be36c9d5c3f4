package dev.memscope.triggers;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The settings of one Gibbs chain (MemBench Algorithm 1): its seed, the number of word slots L (0 = drawn from
 * the corpus' caption lengths), iterations, k proposals per iteration, the proposal temperature (0.1), the
 * selection temperature of softmax(D / tau) (0.1) and the x_T seed of D. A state file records them; resuming with
 * different settings is an error naming the field.
 */
public record ChainConfig(long seed, int length, int iterations, int k, double proposalTemperature,
                          double selectionTemperature, long noiseSeed) {
    public ChainConfig {
        if (length < 0 || iterations < 1 || k < 1) {
            throw new IllegalArgumentException("chain: need --length >= 0, --iterations >= 1 and --k >= 1, got "
                    + length + ", " + iterations + ", " + k);
        }
        if (!(proposalTemperature > 0) || !(selectionTemperature > 0) || !Double.isFinite(proposalTemperature)
                || !Double.isFinite(selectionTemperature)) {
            throw new IllegalArgumentException("chain: temperatures must be finite and > 0, got "
                    + proposalTemperature + " and " + selectionTemperature);
        }
    }

    Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seed", seed);
        m.put("length", length);
        m.put("iterations", iterations);
        m.put("k", k);
        m.put("proposalTemperature", proposalTemperature);
        m.put("selectionTemperature", selectionTemperature);
        m.put("noiseSeed", noiseSeed);
        return m;
    }
}
