package dev.memscope.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Grouping MemBench rows by reference image. Oracle for the shared file: union-find over the URLs of Python's
 * {@code csv.reader} + {@code ast.literal_eval} rows (53 groups, 2 to 791 prompts, 3,000 in all).
 */
class MemBenchGroupsTest {
    private static final String HEADER = ",prompt,urls\n";

    @TempDir
    Path dir;

    private Path write(String text) throws IOException {
        Path p = dir.resolve("m.csv");
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    @Test
    void urlsShareGroupsTransitively() throws IOException {
        Path p = write(HEADER
                + "0,red apple on a table,['a']\n"
                + "1,blue car,['c']\n"
                + "2,red apple on the table,\"['a', 'b']\"\n"
                + "3,green apple table,['b']\n"
                + "4,blue car at night,['c']\n");
        List<MemBenchGroups.Group> g = MemBenchGroups.read(p);
        assertThat(g).hasSize(2);
        assertThat(g.get(0).prompts()).containsExactly("red apple on a table", "red apple on the table",
                "green apple table");
        assertThat(g.get(0).urls()).containsExactly("a", "b");
        assertThat(g.get(1).prompts()).containsExactly("blue car", "blue car at night");
        assertThat(g.get(1).id()).isEqualTo(1);
    }

    @Test
    void baseTriggersAreTheMostCentralPromptsTiesByFileOrder() throws IOException {
        Path p = write(HEADER
                + "0,x y,['a']\n"
                + "1,a b c d,['a']\n"
                + "2,a b c e,['a']\n"
                + "3,a b c f,['a']\n");
        MemBenchGroups.Group g = MemBenchGroups.read(p).get(0);
        // Rows 1..3 share 3 of 5 words with each other (Jaccard 0.6) and none with row 0: mean 0.4 each; row 0: 0.
        assertThat(g.baseTriggers(2)).extracting(MemBenchCsv.Row::prompt).containsExactly("a b c d", "a b c e");
        assertThat(g.baseTriggers(10)).hasSize(4).last().extracting(MemBenchCsv.Row::prompt).isEqualTo("x y");
        assertThatThrownBy(() -> g.baseTriggers(0)).hasMessageContaining(">= 1");
        assertThat(MemBenchGroups.jaccard(java.util.Set.of("a", "b"), java.util.Set.of("b", "c"))).isEqualTo(1.0 / 3);
    }

    @Test
    void emptyUrlListNamesTheLine() throws IOException {
        Path p = write(HEADER + "0,fine,['a']\n1,no reference,[]\n");
        assertThatThrownBy(() -> MemBenchGroups.read(p)).isInstanceOf(PromptFileException.class)
                .hasMessageContaining("m.csv:3:").hasMessageContaining("empty url list");
    }

    @Test
    void badInputNamesTheLine() throws IOException {
        Path malformed = write(HEADER + "0,p,['u']\n1,q\n");
        assertThatThrownBy(() -> MemBenchGroups.read(malformed)).hasMessageContaining("m.csv:3:")
                .hasMessageContaining("3 fields");
        Path unparsable = write(HEADER + "0,p,['u']\n1,q,\"['u', v]\"\n");
        assertThatThrownBy(() -> MemBenchGroups.read(unparsable)).hasMessageContaining("m.csv:3:")
                .hasMessageContaining("urls");
        assertThatThrownBy(() -> MemBenchGroups.group(dir.resolve("x.csv"), List.of()))
                .hasMessageContaining("x.csv").hasMessageContaining("no MemBench rows");
    }

    @Test
    void sharedFileHas53Groups() throws IOException {
        List<MemBenchGroups.Group> g = MemBenchGroups.read(PromptFiles.locateShared("MemBench_SD1_final.csv"));
        assertThat(g).hasSize(53);
        assertThat(g.stream().mapToInt(x -> x.rows().size()).sum()).isEqualTo(3000);
        assertThat(g.stream().mapToInt(x -> x.rows().size()).min().getAsInt()).isEqualTo(2);
        assertThat(g.stream().mapToInt(x -> x.rows().size()).max().getAsInt()).isEqualTo(791);
        // Groups are disjoint in URLs.
        assertThat(g.stream().mapToLong(x -> x.urls().size()).sum()).isEqualTo(151);
    }
}
