package dev.memscope.scan;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exactly-once promise under SIGKILL: a scan run as its own JVM (as scripts/memscope runs it) is killed with
 * {@code destroyForcibly} right after it reports a committed chunk, three times at different points, once more
 * when it starts to set the {@code --top-k} flags, then run to the end. The output must hold every input row
 * exactly once (scored or rejected) with scores and flags identical to an uninterrupted scan's (the K highest,
 * equal scores to the lower row id), and nothing half-written.
 */
class KillResumeTest {
    private static final int ROWS = 150;
    private static final int CHUNK = 10;
    private static final int TOP_K = 7;

    @TempDir
    Path dir;

    private List<String> command(Path input, Path out) throws IOException {
        String cp = Files.readString(Path.of(System.getProperty("scan.test.classpath"))).strip();
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String f : System.getProperty("scan.jvm.flags").trim().split("\\s+")) {
            cmd.add(f);
        }
        cmd.add("-Xmx1g");
        cmd.add("-Dmemscope.shared=" + System.getProperty("memscope.shared"));
        cmd.add("-Dmemscope.home=" + System.getProperty("memscope.home"));
        cmd.add("-cp");
        cmd.add(Path.of("target", "classes").toAbsolutePath() + java.io.File.pathSeparator + cp);
        cmd.add(ScanMain.class.getName());
        cmd.addAll(List.of("--input", input.toString(), "--out", out.toString(), "--model", "lab",
                "--backend", "cpu", "--detectors", "anisotropy,wen-first", "--chunk-rows", String.valueOf(CHUNK),
                "--batch-rows", "4", "--master", "local[2]", "--top-k", String.valueOf(TOP_K)));
        return cmd;
    }

    /** Runs the scan; kills it after {@code killAfter} newly committed chunks (0: let it finish). Returns its lines. */
    private List<String> runScan(Path input, Path out, int killAfter) throws Exception {
        return runScan(input, out, killAfter, false);
    }

    /** As above; with {@code killAtFlags}, kills it as soon as it reports that it starts setting the flags. */
    private List<String> runScan(Path input, Path out, int killAfter, boolean killAtFlags) throws Exception {
        Process p = new ProcessBuilder(command(input, out)).redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        int chunks = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                lines.add(line);
                if (line.startsWith("scan: chunk ") && ++chunks == killAfter
                        || killAtFlags && line.startsWith("scan: flagging the top")) {
                    p.destroyForcibly();
                    break;
                }
            }
        } finally {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        if (killAtFlags) {
            assertThat(lines.get(lines.size() - 1)).as("killed at the flags").startsWith("scan: flagging the top");
        } else if (killAfter == 0) {
            assertThat(p.exitValue()).as("scan exit code; output:%n%s", String.join("\n", lines)).isZero();
        } else {
            assertThat(chunks).as("the scan ended before the kill; output:%n%s", String.join("\n", lines))
                    .isEqualTo(killAfter);
        }
        return lines;
    }

    @Test
    void killedThreeTimesTheFinalDatasetHoldsEveryRowOnceWithUninterruptedScores() throws Exception {
        List<String> captions = new ArrayList<>(ScanFixture.captions(ROWS));
        captions.set(17, "");                                  // rejects, across the kills too
        captions.set(93, " ");
        Path input = dir.resolve("corpus.txt");
        Files.write(input, captions, StandardCharsets.UTF_8);

        Path reference = dir.resolve("reference");
        runScan(input, reference, 0);

        Path out = dir.resolve("killed");
        int[] killAfter = {2, 3, 4};
        for (int k : killAfter) {
            runScan(input, out, k);
        }
        long markers;
        try (Stream<Path> s = Files.list(out.resolve("chunks"))) {
            markers = s.count();
        }
        assertThat(markers).as("chunks committed before the last run").isBetween(9L, (long) ROWS / CHUNK - 1);
        runScan(input, out, 0, true);
        List<String> last = runScan(input, out, 0);
        // every chunk was committed before the last kill; the flags were being set (or had just been committed)
        assertThat(String.join("\n", last)).contains("(15 already done)")
                .containsAnyOf("flagging the top " + TOP_K, "top " + TOP_K + " already flagged");
        // which of the two the kill left (a timing race), for the test log
        last.stream().filter(l -> l.contains("flag")).forEach(l -> System.out.println("KillResumeTest last run: " + l));

        TreeMap<Long, ScanFixture.Row> want = ScanFixture.scores(reference);
        TreeMap<Long, ScanFixture.Row> got = ScanFixture.scores(out);      // throws on a row id met twice
        TreeMap<Long, JsonNode> rejected = ScanFixture.rejects(out);
        assertThat(rejected.keySet()).containsExactly(17L, 93L);
        assertThat(got.keySet()).hasSize(ROWS - 2).doesNotContainAnyElementsOf(rejected.keySet());
        for (long id = 0; id < ROWS; id++) {
            assertThat(got.containsKey(id) ^ rejected.containsKey(id)).as("row %d exactly once", id).isTrue();
        }
        assertThat(got).isEqualTo(want);   // scores and flags
        assertThat(ScanFixture.flagged(got)).hasSize(TOP_K)
                .containsExactlyInAnyOrderElementsOf(ScanFixture.topByPlainSort(got, "anisotropy", TOP_K));
        for (ScanFixture.Row r : got.values()) {
            assertThat(r.values().values()).allMatch(Double::isFinite);
        }
        assertThat(out.resolve(".tmp")).doesNotExist();
        try (Stream<Path> s = Files.list(out.resolve("chunks"))) {
            assertThat(s.count()).isEqualTo(ROWS / CHUNK);
        }
        assertThat(Files.readString(out.resolve("summary.json"))).contains("\"rows\" : " + ROWS)
                .contains("\"flagged\" : " + TOP_K);
    }
}
