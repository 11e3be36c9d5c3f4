/**
 * Image-space metrics on the testbed (docs/metrics.md): a copy-detection embedding in SSCD's role and a miniature
 * CLIP in the CLIP score's and FID's role, both ONNX models trained on the testbed's images; MemBench's scores on
 * them.
 */
package dev.memscope.eval.imagespace;
