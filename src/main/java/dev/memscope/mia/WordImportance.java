package dev.memscope.mia;

import java.util.List;

/** Importance of each word of a caption, for CLiD's importance clipping (higher = more important). */
public interface WordImportance {

    /** The caption's words, as the clipping splits and rejoins them. */
    List<String> words(String caption);

    /** One importance per element of {@link #words(String)}. */
    double[] importance(String caption);
}
