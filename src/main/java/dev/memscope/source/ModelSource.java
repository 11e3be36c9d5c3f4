package dev.memscope.source;

import dev.memscope.model.Denoiser;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An opened model with what the commands need around it. Closing it closes the denoiser.
 */
public interface ModelSource extends AutoCloseable {

    /** The {@code --model} value this source was opened from. */
    ModelSpec spec();

    Denoiser denoiser();

    /** For reports: kind, one sentence, and the results.json fields. */
    ModelInfo info();

    /** Declared by the denoiser; detector choice ({@link DetectorChoice}) reads only this. */
    default Capabilities capabilities() {
        return Capabilities.of(denoiser());
    }

    /**
     * The comparison's default positives and negatives; {@code quick} may pick a subset (the comparison also cuts
     * any list to its --quick or --limit size afterwards). Throws, naming what is missing, when there are none.
     */
    PromptSets defaultPrompts(boolean quick) throws java.io.IOException;

    /** Every prompt the source knows of, for {@code detect} without --prompts (replay, testbed); else empty. */
    default Optional<List<String>> allPrompts() {
        return Optional.empty();
    }

    /** Ground-truth labels by caption (the testbed's role, copies, copy rate), or empty. */
    default Map<String, CaptionLabel> labels() {
        return Map.of();
    }

    @Override
    default void close() {
        denoiser().close();
    }
}
