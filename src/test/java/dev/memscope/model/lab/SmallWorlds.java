package dev.memscope.model.lab;

import java.util.List;

/** Small lab worlds for fast tests: 2 x 8 x 8 latents, a handful of prompts that share words. */
final class SmallWorlds {
    static final List<String> MEM = List.of(
            "The No Limits Business Woman Podcast",
            "Mothers influence on her young hippo",
            "Talks on the Precepts and Buddhist Ethics",
            "Living in the Light with Ann Graham Lotz");
    static final List<String> NMEM = List.of(
            "A small kitchen with some quirky art decorations.",
            "A dog wearing a bandanna and sitting on the trunk of a car.",
            "a blue and yellow train a building and some cars",
            "A man riding a wave on top of a surfboard.");

    private SmallWorlds() {
    }

    static LabConfig config() {
        return LabConfig.defaults().with("channels", 2).with("height", 8).with("width", 8)
                .with("genericComponents", 24).with("embeddingDim", 64).with("genericCountMin", 50);
    }

    static LabWorld world() {
        return LabWorld.build(config(), MEM, NMEM);
    }
}
