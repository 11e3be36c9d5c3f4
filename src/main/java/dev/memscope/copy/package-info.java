/**
 * Whether a generated image copies a training image: the testbed's colour-normalised RMS measure and its TAU
 * ({@link dev.memscope.copy.CopyJudge}), and the pluggable image distance clustering uses
 * ({@link dev.memscope.copy.ImageDistance}; issue 15's copy embedding is meant to plug in there).
 */
package dev.memscope.copy;
