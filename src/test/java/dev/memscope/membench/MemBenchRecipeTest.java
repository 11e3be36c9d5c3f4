package dev.memscope.membench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memscope.data.MemBenchCsv;
import dev.memscope.data.MemBenchGroups;
import dev.memscope.data.PromptFiles;
import dev.memscope.kernels.Backends;
import dev.memscope.kernels.Gemms;
import dev.memscope.kernels.ScoreKernels;
import dev.memscope.model.lab.LabDenoiser;
import dev.memscope.progress.Progress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The MemBench recipe (beta = {@link MemBenchLab#DEFAULT_BETA}) on the real MemBench groups, with fewer generic
 * clusters (the latents stay 4 x 32 x 32: Wen's default target is a norm over D elements): plain sampling must copy a clear share of unseen trigger variants, and the mitigations that act on
 * guidance (AMG, Wen) must cut that share, the ordering docs/membench.md reports at full size. If a change to the
 * lab or a method breaks the mechanism (e.g. beta back to 1e5, where Wen's gradient is zero), this fails.
 */
class MemBenchRecipeTest {

    @Test
    void guidanceMitigationsCutCopyingOfTriggerVariants() throws Exception {
        Path csv = PromptFiles.locateShared("MemBench_SD1_final.csv");
        List<MemBenchGroups.Group> groups = MemBenchGroups.group(csv, MemBenchCsv.read(csv));
        List<String> general = PromptFiles.read(PromptFiles.locateShared("sd1_nmem.txt"));
        MemBenchLab lab = MemBenchLab.build(MemBenchLab.defaultConfig()
                .with("genericComponents", 256), groups, BaseTriggerRule.parse("sqrt"), general);
        List<MemBenchRun.Trigger> triggers = new ArrayList<>();
        for (int g = 0; g < lab.groups().size(); g++) {
            Set<String> base = new HashSet<>(lab.baseTriggers().get(g));
            for (String p : lab.groups().get(g).prompts()) {
                if (!base.contains(p)) {     // a variant, not a training caption
                    triggers.add(new MemBenchRun.Trigger(p, g));
                    break;
                }
            }
        }
        List<String> someGeneral = general.subList(0, 8);
        try (LabDenoiser model = new LabDenoiser(lab.world(), Gemms.create("cpu"));
             ScoreKernels k = Backends.create("cpu")) {
            MemBenchRun.Settings s = new MemBenchRun.Settings(2, 50, 7.5, 64);
            double none = new MemBenchRun(lab, model, k, s).run("none", triggers, someGeneral, Progress.NONE)
                    .trigger().shareAbove();
            double wen = new MemBenchRun(lab, model, k, s).run("wen", triggers, someGeneral, Progress.NONE)
                    .trigger().shareAbove();
            MemBenchRun.Settings variant = new MemBenchRun.Settings(2, 50, 7.5, 64,
                    dev.memscope.mitigate.AmgConfig.sdCode().memscopeVariant());
            double amg = new MemBenchRun(lab, model, k, variant).run("amg", triggers, someGeneral, Progress.NONE)
                    .trigger().shareAbove();
            double authors = new MemBenchRun(lab, model, k, s).run("amg", triggers, someGeneral, Progress.NONE)
                    .trigger().shareAbove();
            assertThat(none).as("plain sampling copies").isGreaterThan(0.4);
            assertThat(wen).as("Wen's optimization cuts copying (none %.3f)", none).isLessThan(0.75 * none);
            assertThat(amg).as("AMG, MemScope's exact-Jacobian variant, cuts copying most (none %.3f, wen %.3f)",
                    none, wen).isLessThan(0.5 * none).isLessThanOrEqualTo(wen);
            // AMG in the authors' form (sigma2, eps held constant) cuts little in the lab: measured 0.712 against
            // none 0.760 at commit (docs/mitigation.md explains why), the same 0.712 with MemScope's deduplication
            // rule and with the authors' (which finds no caption among the lab's unique ones); pinned so a change
            // of mechanism shows
            assertThat(authors).as("AMG authors' form (none %.3f)", none).isLessThan(none)
                    .isGreaterThan(0.5 * none);
        }
    }
}
