package dev.memscope.mitigate;

import dev.memscope.diffusion.StepHook;
import dev.memscope.model.AttentionKeyControl;
import dev.memscope.model.Condition;
import dev.memscope.model.Denoiser;
import dev.memscope.model.KeyLogits;
import dev.memscope.tensor.TensorF32;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * Ren et al. (ECCV 2024), the inference-time mitigation as their code (renjie3/MemAttn, text2img.py with
 * {@code --miti_mem --cross_attn_mask}) does it, in every cross-attention layer at every step:
 * <ul>
 *   <li>keys from the prompt length on are masked, the prompt length counting BOS, the prompt's tokens and the
 *       first EOS (the tokenizer without padding; {@code mask_length_minis1} off), in <em>both</em> branches of the
 *       guidance pair: the unconditional branch is masked with the conditional prompt's length;</li>
 *   <li>the conditional branch's BOS logit (after the mask) is multiplied by c1, default {@value #DEFAULT_C1}
 *       (issue 15; the authors' only shipped command line uses 1.25, their argparse default is 1).</li>
 * </ul>
 * Needs a model that applies {@link KeyLogits} ({@link Denoiser#attentionKeyControl()}: the re-exported testbed);
 * the lab and ONNX UNets without the inputs are refused.
 */
public final class RenAttentionMitigation implements Mitigation {
    public static final double DEFAULT_C1 = 1.1;

    private final Denoiser model;
    private final AttentionKeyControl control;
    private final double c1;
    private long samples;
    private long promptKeys;

    public RenAttentionMitigation(MitigationContext ctx) {
        this(ctx, DEFAULT_C1);
    }

    public RenAttentionMitigation(MitigationContext ctx, double c1) {
        if (!(c1 > 0) || !Double.isFinite(c1)) {
            throw new IllegalArgumentException("ren: c1 must be finite and > 0, got " + c1);
        }
        this.model = ctx.model();
        this.control = model.attentionKeyControl().orElseThrow(
                () -> new IllegalArgumentException(unsupported(model).orElseThrow()));
        this.c1 = c1;
    }

    /** Why the model cannot run this mitigation, or empty when it can. */
    public static Optional<String> unsupported(Denoiser model) {
        if (model.attentionKeyControl().isPresent()) {
            return Optional.empty();
        }
        return Optional.of("ren: the model cannot rescale or mask its cross-attention logits (the lab has no "
                + "attention; an ONNX UNet needs the inputs attn_key_scale / attn_key_bias, docs/mitigation.md)");
    }

    @Override
    public String name() {
        return "ren";
    }

    /** The conditional branch's control: BOS logit times c1, keys after the prompt masked. */
    public KeyLogits conditional(String prompt) {
        KeyLogits masked = masked(prompt);
        float[] scale = masked.scale();
        scale[0] = (float) c1;
        return new KeyLogits(scale, masked.bias());
    }

    /** The unconditional branch's control: the same mask, no rescaling. */
    public KeyLogits masked(String prompt) {
        int keys = control.keys();
        int kept = control.promptKeys(prompt);
        float[] scale = new float[keys];
        float[] bias = new float[keys];
        Arrays.fill(scale, 1f);
        Arrays.fill(bias, kept, keys, KeyLogits.MASKED);
        return new KeyLogits(scale, bias);
    }

    @Override
    public Plan plan(String[] prompts, long[] seeds, TensorF32 xT) {
        Condition[] c = new Condition[prompts.length];
        for (int b = 0; b < prompts.length; b++) {
            Condition u = Condition.NULL.withKeyLogits(masked(prompts[b]));
            c[b] = model.condition(prompts[b]).withKeyLogits(conditional(prompts[b])).withUnconditional(u);
            samples++;
            promptKeys += control.promptKeys(prompts[b]);
        }
        return new Plan(c, StepHook.NONE, prompts.clone());
    }

    @Override
    public Map<String, Double> statistics() {
        return Map.of("c1", c1, "mean_prompt_keys", samples == 0 ? 0.0 : (double) promptKeys / samples);
    }
}
