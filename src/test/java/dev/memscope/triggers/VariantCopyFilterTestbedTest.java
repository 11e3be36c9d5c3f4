package dev.memscope.triggers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memscope.copy.CopyJudge;
import dev.memscope.json.JsonDocument;
import dev.memscope.kernels.Backends;
import dev.memscope.kernels.ScoreKernels;
import dev.memscope.model.onnx.OnnxDenoiser;
import dev.memscope.model.onnx.OnnxModels;
import dev.memscope.progress.Progress;
import dev.memscope.source.CaptionLabel;
import dev.memscope.source.ModelSources;
import dev.memscope.source.ModelSpec;
import dev.memscope.source.TestbedImages;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The filter reproduces labels.csv: run on training captions themselves (the first 4 memorized and the first 4
 * duplicated captions that are not), with the labels' seeds and settings, it counts the same copies of the caption's
 * own item image that labels.py counted (copy_rate x 4), so a variant passes exactly when labels.py would have called
 * it memorized.
 */
class VariantCopyFilterTestbedTest {
    static final Path TESTBED = Path.of("models", "testbed");

    @Test
    void countsTheSameCopiesAsTheLabels() throws Exception {
        Map<String, CaptionLabel> labels;
        try (var source = ModelSources.open(ModelSpec.parse("testbed:" + TESTBED), null, "cpu", "cpu")) {
            labels = source.labels();
        }
        List<VariantCopyFilter.Candidate> cs = new ArrayList<>();
        List<CaptionLabel> expected = new ArrayList<>();
        int mem = 0;
        int not = 0;
        for (var e : labels.entrySet()) {
            CaptionLabel l = e.getValue();
            boolean take = l.memorized() ? mem++ < 4 : l.role().equals("duplicated") && not++ < 4;
            if (take) {
                cs.add(new VariantCopyFilter.Candidate(new WordVariants.Variant(e.getKey(), e.getKey(),
                        WordVariants.Edit.STYLE), Integer.parseInt(l.item())));
                expected.add(l);
            }
        }
        double tau = JsonDocument.read(TESTBED.resolve("copy/copy.json")).root().get("tau").number();
        CopyJudge judge = CopyJudge.of(TestbedImages.read(TESTBED.resolve("images"), 16), tau);
        try (OnnxDenoiser m = OnnxModels.open(TESTBED.resolve("onnx"), "cpu");
             ScoreKernels k = Backends.create("cpu")) {
            List<VariantCopyFilter.Outcome> out = new VariantCopyFilter(m, k, judge,
                    VariantCopyFilter.LABEL_GENERATIONS, 50, 7.5, 64).run(cs, Progress.NONE);
            for (int i = 0; i < cs.size(); i++) {
                String caption = cs.get(i).variant().prompt();
                assertThat(out.get(i).copies()).as(caption)
                        .isEqualTo((int) Math.round(expected.get(i).copyRate() * 4));
                assertThat(out.get(i).kept()).as(caption).isEqualTo(expected.get(i).memorized());
            }
        }
    }
}
