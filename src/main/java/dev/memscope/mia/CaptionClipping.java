package dev.memscope.mia;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * CLiD's reduced captions: remove the most important words. With n words and rate r, the cut-off is the
 * {@code int(r * n - 0.01)}-th largest importance (0-based, as in the authors' data code) and every word whose
 * importance is {@code >=} it is removed, so ties at the cut-off are removed together and at least one word always
 * goes. The authors replace removed words by CLIP's end-of-text token; a bag-of-features encoder like the lab's
 * has no such token, so here they are dropped. A caption with no words left is the empty caption.
 */
public final class CaptionClipping {
    /** The clipping rates of the three reduced captions (cond1, cond2, cond3). */
    public static final double[] RATES = {0.3, 0.5, 0.7};

    private CaptionClipping() {
    }

    public static String clip(List<String> words, double[] importance, double rate) {
        if (words.size() != importance.length) {
            throw new IllegalArgumentException(words.size() + " words but " + importance.length + " importances");
        }
        if (!(rate > 0 && rate <= 1)) {
            throw new IllegalArgumentException("clipping rate must be in (0, 1], got " + rate);
        }
        if (words.isEmpty()) {
            return "";
        }
        double[] sorted = importance.clone();
        Arrays.sort(sorted);
        int idx = (int) (rate * words.size() - 0.01); // Python int(): truncation toward zero
        double cut = sorted[sorted.length - 1 - idx];
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            if (!(importance[i] >= cut)) {
                kept.add(words.get(i));
            }
        }
        return String.join(" ", kept);
    }

    /** The three reduced captions at {@link #RATES}, then the empty caption. */
    public static String[] reduced(String caption, WordImportance importance) {
        List<String> words = importance.words(caption);
        double[] imp = importance.importance(caption);
        String[] out = new String[RATES.length + 1];
        for (int j = 0; j < RATES.length; j++) {
            out[j] = clip(words, imp, RATES[j]);
        }
        out[RATES.length] = "";
        return out;
    }
}
