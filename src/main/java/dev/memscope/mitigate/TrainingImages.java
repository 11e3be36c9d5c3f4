package dev.memscope.mitigate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The training set a mitigation may search (AMG's nearest-neighbour similarity and its caption for deduplication):
 * {@code images} is row-major {@code [N, D]} float32 in latent space, one row per unique image, {@code captions} its
 * first caption. {@code copies[i]} is how many times image i was in the training data and {@code captionCycles[i]}
 * the captions those copies carried, in turn (copy m has caption {@code m mod size}), as the testbed's training set
 * cycles a duplicated item's captions over its copies. In the lab these are the world's component means, captions
 * and copy counts.
 */
public record TrainingImages(float[] images, int dim, List<String> captions, int[] copies,
                             List<List<String>> captionCycles) {
    public TrainingImages {
        if (dim < 1 || captions.isEmpty() || images.length != (long) captions.size() * dim) {
            throw new IllegalArgumentException("training images: " + images.length + " floats for "
                    + captions.size() + " captions of D = " + dim);
        }
        if (copies.length != captions.size() || captionCycles.size() != captions.size()) {
            throw new IllegalArgumentException("training images: " + captions.size() + " images but "
                    + copies.length + " copy counts and " + captionCycles.size() + " caption lists");
        }
        for (int i = 0; i < copies.length; i++) {
            if (copies[i] < 1 || captionCycles.get(i).isEmpty()) {
                throw new IllegalArgumentException("training image " + i + ": " + copies[i] + " copies and "
                        + captionCycles.get(i).size() + " captions; each needs at least one");
            }
        }
        captions = List.copyOf(captions);
        copies = copies.clone();
        List<List<String>> cycles = new ArrayList<>();
        for (List<String> c : captionCycles) {
            cycles.add(List.copyOf(c));
        }
        captionCycles = List.copyOf(cycles);
    }

    /** Every image seen once, under its one caption. */
    public TrainingImages(float[] images, int dim, List<String> captions) {
        this(images, dim, captions, ones(captions.size()), captions.stream().map(List::of).toList());
    }

    public int count() {
        return captions.size();
    }

    /** The training set's size with every copy counted. */
    public long totalCopies() {
        return Arrays.stream(copies).asLongStream().sum();
    }

    @Override
    public int[] copies() {
        return copies.clone();
    }

    int copiesOf(int image) {
        return copies[image];
    }

    private static int[] ones(int n) {
        int[] a = new int[n];
        Arrays.fill(a, 1);
        return a;
    }
}
