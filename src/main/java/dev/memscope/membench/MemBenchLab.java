package dev.memscope.membench;

import dev.memscope.data.MemBenchCsv;
import dev.memscope.data.MemBenchGroups;
import dev.memscope.model.lab.LabConfig;
import dev.memscope.model.lab.LabWorld;
import java.util.ArrayList;
import java.util.List;

/**
 * The MemBench lab world: each reference-image group is ONE duplicated training image, shown by one memorized
 * component per base trigger of the group (the components share the image as their mean; each draws its own copy
 * count and key, as the lab does for any memorized caption). The non-memorized prompts are broad components and
 * the config's generic components fill the rest (their captions borrow words from the base triggers with
 * probability {@code sharedWordFraction}). MemBench's other prompts of a group are word-level variants of the base
 * triggers: they reach the image only through the words they share with them.
 *
 * @param world          the lab world
 * @param groups         the groups, in file order of first appearance
 * @param baseTriggers   per group, the captions of its training image
 * @param firstComponent per group, the index of its first memorized component (its mean is the group's image)
 */
public record MemBenchLab(LabWorld world, List<MemBenchGroups.Group> groups, List<List<String>> baseTriggers,
                          int[] firstComponent) {

    /**
     * Text sharpness of the MemBench recipe. The detection lab's 1e5 pins a prompt's conditional to one component
     * outright: copying then needs no guidance at all, the embedding gradient Wen et al. optimize underflows to
     * zero and AMG's despecification (guidance down to 1) still samples the image. At 60 a trigger's conditional
     * is a soft mixture that guidance sharpens into the copy, the mechanism the mitigations act on in Stable
     * Diffusion; the calibration runs are in docs/membench.md.
     */
    public static final double DEFAULT_BETA = 60;

    /** The lab defaults with the MemBench recipe's beta; --config and --set apply on top of this. */
    public static LabConfig defaultConfig() {
        return LabConfig.defaults().with("beta", DEFAULT_BETA);
    }

    public static MemBenchLab build(LabConfig config, List<MemBenchGroups.Group> groups, int basePerGroup,
                                    List<String> generalPrompts) {
        return build(config, groups, BaseTriggerRule.fixed(basePerGroup), generalPrompts);
    }

    public static MemBenchLab build(LabConfig config, List<MemBenchGroups.Group> groups, BaseTriggerRule rule,
                                    List<String> generalPrompts) {
        if (groups.isEmpty()) {
            throw new IllegalArgumentException("MemBench lab: no reference-image groups");
        }
        List<List<String>> base = new ArrayList<>();
        int[] first = new int[groups.size()];
        int next = 0;
        for (int g = 0; g < groups.size(); g++) {
            if (groups.get(g).rows().isEmpty()) {
                throw new IllegalArgumentException("MemBench lab: reference-image group " + g + " is empty");
            }
            List<String> captions = groups.get(g).baseTriggers(rule.count(groups.get(g).rows().size())).stream().map(MemBenchCsv.Row::prompt)
                    .toList();
            base.add(captions);
            first[g] = next;
            next += captions.size();
        }
        LabWorld world = LabWorld.buildGrouped(config, base, generalPrompts);
        return new MemBenchLab(world, List.copyOf(groups), List.copyOf(base), first);
    }

    /** The group's training image (its reference image), D floats. */
    public float[] reference(int group) {
        return world.mean(firstComponent[group]);
    }
}
