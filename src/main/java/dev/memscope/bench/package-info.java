/**
 * Reading JMH {@code -rf json} results and turning them into decisions and pictures: {@link
 * dev.memscope.bench.JmhResults} parses a file (and says which file and which field is wrong when it is not JMH
 * output), {@link dev.memscope.bench.BenchComparison} tells a real change from noise between two runs, {@link
 * dev.memscope.bench.Traffic} holds the compulsory bytes per op of KernelBench (the one place they are defined;
 * scripts/jmh_table.py mirrors it) and {@link dev.memscope.bench.BenchReport} writes charts and a Markdown page.
 */
package dev.memscope.bench;
