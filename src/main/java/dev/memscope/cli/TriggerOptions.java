package dev.memscope.cli;

import dev.memscope.data.PromptFiles;
import dev.memscope.source.CaptionLabel;
import dev.memscope.source.ModelSource;
import dev.memscope.source.ModelSpec;
import dev.memscope.triggers.BigramSlotModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * What search-triggers and augment-trigger share: the proposal model's corpus, banned words, the x_T seed of D
 * and the batch size.
 */
public final class TriggerOptions {
    /** Words never proposed (MemBench removes stop words from BERT's proposals). */
    static final Set<String> STOP_WORDS = Set.of("a", "an", "the", "and", "of", "on", "in", "with", "to", "for",
            "at", "by", "or", "is");

    @Option(names = "--corpus", paramLabel = "FILE", description = "captions the proposal language model is built "
            + "from (text, .jsonl, MemBench .csv); default on the testbed: its captions, see --lm-captions")
    Path corpus;

    @Option(names = "--lm-captions", paramLabel = "WHICH", defaultValue = "unseen", description = "testbed only: "
            + "unseen (default: every labelled caption except the duplicated ones, so the language model never "
            + "saw a trigger) or all")
    String lmCaptions;

    @Option(names = "--ban", split = ",", paramLabel = "W", description = "extra words never proposed (stop words "
            + "are always removed)")
    List<String> ban;

    @Option(names = "--noise-seed", defaultValue = "20240", description = "seed of the shared x_T of D (default "
            + "20240)")
    long noiseSeed;

    @Option(names = "--batch", defaultValue = "64", description = "latents per denoiser call (default 64)")
    int batch;

    Set<String> banned() {
        Set<String> b = new LinkedHashSet<>(STOP_WORDS);
        if (ban != null) {
            for (String w : ban) {
                b.add(w.trim().toLowerCase(Locale.ROOT));
            }
        }
        return b;
    }

    /** The corpus: --corpus, else the testbed's captions; any other source without --corpus is an error. */
    List<String> corpus(ModelSource source) throws IOException {
        if (batch < 2) {
            throw new IllegalArgumentException("--batch must be >= 2, got " + batch);
        }
        if (corpus != null) {
            return PromptFiles.read(corpus);
        }
        if (source.spec().kind() != ModelSpec.Kind.TESTBED) {
            throw new IllegalArgumentException("--corpus FILE is required for --model " + source.spec()
                    + " (the proposal language model is built from it)");
        }
        boolean all = switch (lmCaptions.trim().toLowerCase(Locale.ROOT)) {
            case "all" -> true;
            case "unseen" -> false;
            default -> throw new IllegalArgumentException("--lm-captions: '" + lmCaptions + "' is not unseen or all");
        };
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, CaptionLabel> e : source.labels().entrySet()) {
            if (all || !e.getValue().role().equals("duplicated")) {
                out.add(e.getKey());
            }
        }
        return out;
    }

    BigramSlotModel languageModel(ModelSource source) throws IOException {
        return new BigramSlotModel(corpus(source));
    }
}
