/**
 * Trigger-prompt search (MemBench, Algorithms 1 and 2) on any model source: a masked-slot language model proposes
 * words ({@link dev.memscope.triggers.BigramSlotModel}), {@link dev.memscope.triggers.GuidanceScore} scores prompts
 * by D = ||eps_c - eps_u||^2 at t = 999, {@link dev.memscope.triggers.TriggerChain} runs one resumable Gibbs chain,
 * {@link dev.memscope.triggers.CopyCheck} generates and clusters a found prompt's images,
 * {@link dev.memscope.triggers.TriggerSearch} runs N chains and the recall-vs-budget curve, and
 * {@link dev.memscope.triggers.TriggerAugmenter} augments a trigger slot by slot.
 */
package dev.memscope.triggers;
