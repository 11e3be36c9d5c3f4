package dev.memscope.model;

/**
 * What a denoiser is conditioned on: a text embedding, or the null condition (the empty prompt) that classifier-free
 * guidance uses for its unconditional branch. Identity matters: denoisers may cache per-condition work keyed on the
 * instance, so reuse one instance per prompt and treat the embedding as immutable.
 */
public final class Condition {
    /** The unconditional (empty prompt) condition. */
    public static final Condition NULL = new Condition(null, "");

    private final float[] embedding;
    private final String prompt;

    private Condition(float[] embedding, String prompt) {
        this.embedding = embedding;
        this.prompt = prompt;
    }

    /** A text condition; the embedding must be finite. {@code prompt} is for messages only. */
    public static Condition of(float[] embedding, String prompt) {
        if (embedding == null || embedding.length == 0) {
            throw new IllegalArgumentException("a text condition needs a non-empty embedding; use Condition.NULL");
        }
        for (int i = 0; i < embedding.length; i++) {
            if (!Float.isFinite(embedding[i])) {
                throw new IllegalArgumentException("embedding of prompt '" + prompt + "' holds " + embedding[i]
                        + " at index " + i);
            }
        }
        return new Condition(embedding.clone(), prompt);
    }

    public boolean isNull() {
        return embedding == null;
    }

    /** The embedding (not a copy); null for the null condition. */
    public float[] embedding() {
        return embedding;
    }

    public String prompt() {
        return prompt;
    }

    @Override
    public String toString() {
        return isNull() ? "Condition(null)" : "Condition('" + prompt + "')";
    }
}
