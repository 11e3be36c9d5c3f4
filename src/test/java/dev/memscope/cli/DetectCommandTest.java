package dev.memscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memscope.data.MemBenchCsv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code memscope detect} end to end on a tiny lab world and tiny prompt files. */
class DetectCommandTest {
    private static final String[] SMALL = {"--set", "memLimit=4", "--set", "nmemLimit=4", "--set", "genericComponents=8",
        "--set", "channels=2", "--set", "height=8", "--set", "width=8", "--set", "embeddingDim=32", "--backend", "cpu"};

    @TempDir
    Path dir;

    private static CliRun detect(String... tail) {
        String[] all = Arrays.copyOf(new String[] {"detect"}, 1 + SMALL.length + tail.length);
        System.arraycopy(SMALL, 0, all, 1, SMALL.length);
        System.arraycopy(tail, 0, all, 1 + SMALL.length, tail.length);
        return CliRun.of(all);
    }

    @Test
    void scoresATextFileAndFlagsAboveTheThreshold() throws Exception {
        Path prompts = dir.resolve("p.txt");
        Files.writeString(prompts, "The No Limits Business Woman Podcast\na cat, \"quoted\" on a mat\nsunset over hills\n");
        Path out = dir.resolve("scores.csv");
        CliRun r = detect("--prompts", prompts.toString(), "--detector", "anisotropy", "--threshold", "-1e9",
                "--out", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("anisotropy: scored 3 prompts (8 forward passes").contains("flagged 3 of 3");
        // Read back with the project's RFC 4180 reader rules: the quoted prompt survives.
        List<String> lines = Files.readAllLines(out);
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).isEqualTo("index,prompt,score,flagged");
        assertThat(lines.get(2)).startsWith("1,\"a cat, \"\"quoted\"\" on a mat\",").endsWith(",true");
        for (String l : lines.subList(1, 4)) {
            double score = Double.parseDouble(l.split(",")[l.split(",").length - 2]);
            assertThat(score).isFinite();
        }
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("p.txt", "scores.csv");
        }
    }

    @Test
    void detectorSettingsApplyAndAnisotropyOnlyOnesAreRefusedElsewhere() throws Exception {
        Path prompts = dir.resolve("p.txt");
        Files.writeString(prompts, "sunset over hills\na red apple\n");
        Path a = dir.resolve("a.csv");
        Path b = dir.resolve("b.csv");
        CliRun base = detect("--prompts", prompts.toString(), "--detector", "anisotropy", "--out", a.toString());
        CliRun set = detect("--prompts", prompts.toString(), "--detector", "anisotropy", "--images", "3", "--seed",
                "5", "--g", "1,0", "--alignment", "cond-uncond", "--out", b.toString());
        assertThat(base.exitCode()).as(base.err()).isZero();
        assertThat(set.exitCode()).as(set.err()).isZero();
        // 3 images x 2 conditional passes x 2 prompts + 3 images x 2 unconditional passes shared by both
        assertThat(set.out()).contains("scored 2 prompts (18 forward passes");
        assertThat(Files.readString(b)).isNotEqualTo(Files.readString(a));
        CliRun wrong = detect("--prompts", prompts.toString(), "--detector", "wen-first", "--g", "1,2");
        assertThat(wrong.exitCode()).isEqualTo(2);
        assertThat(wrong.err()).contains("apply to the anisotropy detectors, not to wen-first");
    }

    @Test
    void readsMemBenchCsvAndJsonl() throws Exception {
        Path csv = dir.resolve("m.csv");
        Files.writeString(csv, ",prompt,urls\n0,fire us army garden flag single,['https://a']\n"
                + "1,\"train, glorious\",\"['https://b', 'https://c']\"\n");
        assertThat(MemBenchCsv.prompts(csv)).hasSize(2);
        CliRun r = detect("--prompts", csv.toString(), "--detector", "wen-first", "--quick");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("index,prompt,score,flagged\r\n0,fire us army garden flag single,")
                .contains("1,\"train, glorious\",");
        Path jsonl = dir.resolve("p.jsonl");
        Files.writeString(jsonl, "{\"caption\": \"a red car\"}\n");
        CliRun j = detect("--prompts", jsonl.toString(), "--detector", "sharpness", "--threshold", "1e9");
        assertThat(j.exitCode()).as(j.err()).isZero();
        assertThat(j.out()).contains("0,a red car,").contains(",false").contains("flagged 0 of 1");
    }

    @Test
    void badInputNamesTheFault() throws Exception {
        Path csv = dir.resolve("bad.csv");
        Files.writeString(csv, ",prompt,urls\n0,ok,['u']\n1,broken,[u]\n");
        Path out = dir.resolve("never.csv");
        CliRun r = detect("--prompts", csv.toString(), "--detector", "anisotropy", "--out", out.toString());
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.err()).contains("bad.csv:3:");
        assertThat(out).doesNotExist();
        assertThat(detect("--prompts", dir.resolve("none.txt").toString(), "--detector", "anisotropy").err())
                .contains("none.txt").contains("no such prompt file");
        Path ok = dir.resolve("ok.txt");
        Files.writeString(ok, "a prompt\n");
        assertThat(detect("--prompts", ok.toString(), "--detector", "clip").err()).contains("unknown detector 'clip'");
        assertThat(detect("--prompts", ok.toString(), "--detector", "anisotropy", "--threshold", "NaN").err())
                .contains("--threshold must be finite");
    }
}
