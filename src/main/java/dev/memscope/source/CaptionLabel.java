package dev.memscope.source;

/**
 * The ground truth the testbed records for one caption: its role in training (duplicated, singleton, heldout,
 * novel), its item id, how many copies of its image were trained on, the measured copy rate, and whether it counts
 * as memorized.
 */
public record CaptionLabel(String role, String item, int copies, double copyRate, boolean memorized) {
}
