/**
 * Where a command's model comes from: the lab, the testbed, an exported ONNX folder or a replay folder. A
 * {@link dev.memscope.source.ModelSource} yields the denoiser, the default prompt sets, what a report says about the
 * model, and its capabilities; {@link dev.memscope.source.DetectorChoice} turns a detector name into the detector
 * the source can run (or the reason it cannot), in one place for every command.
 */
package dev.memscope.source;
