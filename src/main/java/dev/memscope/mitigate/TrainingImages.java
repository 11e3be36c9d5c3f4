package dev.memscope.mitigate;

import java.util.List;

/**
 * The training set a mitigation may search (AMG's nearest-neighbour similarity and its caption for deduplication):
 * {@code images} is row-major {@code [N, D]} float32 in latent space, {@code captions} the N training captions.
 * In the lab these are the world's component means and captions.
 */
public record TrainingImages(float[] images, int dim, List<String> captions) {
    public TrainingImages {
        if (dim < 1 || captions.isEmpty() || images.length != (long) captions.size() * dim) {
            throw new IllegalArgumentException("training images: " + images.length + " floats for "
                    + captions.size() + " captions of D = " + dim);
        }
        captions = List.copyOf(captions);
    }

    public int count() {
        return captions.size();
    }
}
