package dev.memscope.model;

/**
 * What a denoiser is conditioned on: a text embedding, or the null condition (the empty prompt) that classifier-free
 * guidance uses for its unconditional branch. Identity matters: denoisers may cache per-condition work keyed on the
 * instance, so reuse one instance per prompt and treat the embedding as immutable.
 *
 * <p>Optionally (Ren et al.'s mitigation) a condition carries {@link KeyLogits} for the model's cross-attention and
 * names the condition its guidance pair's unconditional branch uses ({@link Condition#NULL} unless set).
 */
public final class Condition {
    /** The unconditional (empty prompt) condition. */
    public static final Condition NULL = new Condition(null, "", null, null);

    private final float[] embedding;
    private final String prompt;
    private final KeyLogits keyLogits;
    private final Condition unconditional;

    private Condition(float[] embedding, String prompt, KeyLogits keyLogits, Condition unconditional) {
        this.embedding = embedding;
        this.prompt = prompt;
        this.keyLogits = keyLogits;
        this.unconditional = unconditional;
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
        return new Condition(embedding.clone(), prompt, null, null);
    }

    /** This condition (embedding shared) with a cross-attention key control; the null condition can carry one too. */
    public Condition withKeyLogits(KeyLogits logits) {
        return new Condition(embedding, prompt, java.util.Objects.requireNonNull(logits, "key logits"),
                unconditional);
    }

    /** This condition, whose guidance pair evaluates its unconditional branch under {@code u} (a null condition). */
    public Condition withUnconditional(Condition u) {
        if (!u.isNull()) {
            throw new IllegalArgumentException("the unconditional branch of " + this + " must be a null condition, got "
                    + u);
        }
        return new Condition(embedding, prompt, keyLogits, u);
    }

    /** The cross-attention key control, or null for none (every condition but Ren et al.'s). */
    public KeyLogits keyLogits() {
        return keyLogits;
    }

    /** The condition of this sample's unconditional branch in classifier-free guidance. */
    public Condition unconditional() {
        return unconditional == null ? NULL : unconditional;
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
        String s = isNull() ? "Condition(null" : "Condition('" + prompt + "'";
        return s + (keyLogits == null ? ")" : ", key logits)");
    }
}
