package dev.memscope.copy;

/**
 * One generation judged against the training images: the nearest one (its index, its item id or -1 for a concept
 * image), the distance, and whether that is a copy ({@code distance < TAU}).
 */
public record CopyVerdict(int nearest, int item, double distance, boolean copies) {
}
