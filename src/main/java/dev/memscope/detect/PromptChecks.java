package dev.memscope.detect;

import java.util.List;

/** Argument checks shared by the detectors. */
final class PromptChecks {
    private PromptChecks() {
    }

    /**
     * A detector needs at least one prompt, and no blank one: a blank prompt is the null condition, whose guidance
     * difference is zero by construction, so it would score as "not memorized" without being looked at.
     */
    static void require(String detector, List<String> prompts) {
        if (prompts == null || prompts.isEmpty()) {
            throw new IllegalArgumentException(detector + ": no prompts to score");
        }
        for (int i = 0; i < prompts.size(); i++) {
            String p = prompts.get(i);
            if (p == null || p.isBlank()) {
                throw new IllegalArgumentException(detector + ": prompt " + i + " is blank (it would be the "
                        + "unconditional prompt)");
            }
        }
    }
}
