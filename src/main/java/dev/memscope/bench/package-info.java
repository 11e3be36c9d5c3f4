/**
 * Reading JMH {@code -rf json} results and turning them into decisions and pictures: {@link
 * dev.memscope.bench.JmhResults} parses a file (and says which file and which field is wrong when it is not JMH
 * output), {@link dev.memscope.bench.BenchComparison} tells a real change from noise between two runs, {@link
 * dev.memscope.bench.Traffic} maps benchmark methods to ops and their compulsory bytes (from KernelOp), {@link
 * dev.memscope.bench.BenchSummary} prints the text tables and {@link dev.memscope.bench.BenchReport} writes charts
 * and a Markdown page.
 */
package dev.memscope.bench;
