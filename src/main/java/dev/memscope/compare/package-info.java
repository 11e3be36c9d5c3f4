/**
 * The detector comparison: every detector on memorized against non-memorized prompts of one model source
 * ({@link dev.memscope.compare.Comparison}), and its report files ({@link dev.memscope.compare.ComparisonReport}).
 * The {@code compare} command only parses options and prints.
 */
package dev.memscope.compare;
