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
 * MemBench CSV reader. Oracle for the shared file: Python's {@code csv.reader} + {@code ast.literal_eval} on the
 * url column (3,000 rows, 7,260 URLs, 151 distinct, 1 to 16 per row, 220 prompts holding quotes or commas).
 */
class MemBenchCsvTest {
    private static final String HEADER = ",prompt,urls\n";

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    @Test
    void readsEverySharedRow() throws IOException {
        Path file = PromptFiles.locateShared("MemBench_SD1_final.csv");
        List<MemBenchCsv.Row> rows = MemBenchCsv.read(file);
        assertThat(rows).hasSize(3000);
        assertThat(rows.get(0).prompt()).isEqualTo("fire us army garden flag single");
        assertThat(rows.get(0).urls()).hasSize(1);
        assertThat(rows.get(2).urls()).hasSize(4);
        assertThat(rows.get(928).prompt()).isEqualTo("\" martyr to ricky gervais live \" cold slayton life \" as david brent \"");
        assertThat(rows.get(2999).prompt()).startsWith("train left lost that. scott fitzgerald");
        assertThat(rows.stream().mapToInt(r -> r.urls().size()).sum()).isEqualTo(7260);
        assertThat(rows.stream().flatMap(r -> r.urls().stream()).distinct().count()).isEqualTo(151);
        assertThat(rows).allSatisfy(r -> assertThat(r.urls()).hasSizeBetween(1, 16)
                .allSatisfy(u -> assertThat(u).startsWith("http")));
        assertThat(PromptFiles.read(file)).hasSize(3000).first().isEqualTo("fire us army garden flag single");
    }

    @Test
    void quotedFieldsMayHoldCommasQuotesAndNewlines() throws IOException {
        Path p = write("m.csv", HEADER + "0,\"a, \"\"b\"\"\nc\",['u1']\r\n1,plain,\"['x', \"\"y\"\"]\"\n");
        List<MemBenchCsv.Row> rows = MemBenchCsv.read(p);
        assertThat(rows.get(0).prompt()).isEqualTo("a, \"b\"\nc");
        assertThat(rows.get(1).line()).isEqualTo(4);
        assertThat(rows.get(1).urls()).containsExactly("x", "y");
    }

    @Test
    void pythonListLiterals() {
        assertThat(MemBenchCsv.pythonStringList("[]")).isEmpty();
        assertThat(MemBenchCsv.pythonStringList(" ['a\\'b' , \"c\",] ")).containsExactly("a'b", "c");
        assertThatThrownBy(() -> MemBenchCsv.pythonStringList("['a' 'b']")).hasMessageContaining("expected ',' or ']'");
        assertThatThrownBy(() -> MemBenchCsv.pythonStringList("['a")).hasMessageContaining("unterminated");
        assertThatThrownBy(() -> MemBenchCsv.pythonStringList("[1]")).hasMessageContaining("string literal");
        assertThatThrownBy(() -> MemBenchCsv.pythonStringList("['a'] x")).hasMessageContaining("after the closing");
    }

    @Test
    void badRowsNameTheirLine() throws IOException {
        assertThatThrownBy(() -> MemBenchCsv.read(write("a.csv", HEADER + "0,p,['u']\n1,q\n")))
                .isInstanceOf(PromptFileException.class).hasMessageContaining("a.csv:3:").hasMessageContaining("3 fields");
        assertThatThrownBy(() -> MemBenchCsv.read(write("b.csv", HEADER + "0,\"p\nq\",['u']\n1,r,[u]\n")))
                .hasMessageContaining("b.csv:4:").hasMessageContaining("urls");
        assertThatThrownBy(() -> MemBenchCsv.read(write("c.csv", HEADER + "0,p,['u']\n1,\"never closed,['u']\n")))
                .hasMessageContaining("c.csv:3:").hasMessageContaining("never closes");
        assertThatThrownBy(() -> MemBenchCsv.read(write("d.csv", HEADER + "0,p,['u']\n5,q,['u']\n")))
                .hasMessageContaining("d.csv:3:").hasMessageContaining("index 5");
        assertThatThrownBy(() -> MemBenchCsv.read(write("e.csv", HEADER + "0,\"p\"x,['u']\n")))
                .hasMessageContaining("e.csv:2:").hasMessageContaining("after a closing quote");
        assertThatThrownBy(() -> MemBenchCsv.read(write("f.csv", HEADER + "0, ,['u']\n")))
                .hasMessageContaining("f.csv:2:").hasMessageContaining("blank prompt");
    }

    @Test
    void badFiles() throws IOException {
        assertThatThrownBy(() -> MemBenchCsv.read(dir.resolve("missing.csv"))).hasMessageContaining("missing.csv")
                .hasMessageContaining("no such");
        assertThatThrownBy(() -> MemBenchCsv.read(write("empty.csv", ""))).hasMessageContaining("empty");
        assertThatThrownBy(() -> MemBenchCsv.read(write("h.csv", "prompt,urls\n0,p,['u']\n")))
                .hasMessageContaining("h.csv:1:").hasMessageContaining("header");
        assertThatThrownBy(() -> MemBenchCsv.read(write("only.csv", HEADER))).hasMessageContaining("no rows");
    }
}
