package dev.memscope.source;

import java.util.List;

/** A comparison's default prompts: memorized (positives) and not memorized (negatives). */
public record PromptSets(List<String> positives, List<String> negatives) {
    public PromptSets {
        positives = List.copyOf(positives);
        negatives = List.copyOf(negatives);
    }
}
