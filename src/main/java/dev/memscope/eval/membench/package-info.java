/**
 * MemBench's metrics with lab stand-ins: copying of trigger prompts (cosine similarity in latent space to the
 * group's reference image, standing in for SSCD), prompt alignment of general prompts (cosine to the exact
 * conditional mean, standing in for the CLIP score) and a Frechet distance on pooled latent features (standing in
 * for FID). See docs/membench.md.
 */
package dev.memscope.eval.membench;
