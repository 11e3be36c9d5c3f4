/**
 * MemBench on the lab: the world built from MemBench's reference-image groups ({@link dev.memscope.membench.MemBenchLab}),
 * and the run that samples trigger and general prompts under each mitigation and scores them
 * ({@link dev.memscope.membench.MemBenchRun}). See docs/membench.md.
 */
package dev.memscope.membench;
