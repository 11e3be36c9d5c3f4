/**
 * Inference-time memorization mitigations (AMG guidance, Wen et al.'s prompt-embedding optimization, random
 * number / token addition), all behind {@link dev.memscope.mitigate.Mitigation} and run by the same DDIM sampler.
 */
package dev.memscope.mitigate;
