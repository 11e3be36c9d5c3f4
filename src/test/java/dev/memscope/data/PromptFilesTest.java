package dev.memscope.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptFilesTest {
    @TempDir
    Path dir;

    private Path file(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void textWithoutFinalNewlineKeepsLastPrompt() throws Exception {
        assertThat(PromptFiles.read(file("a.txt", "one\r\ntwo\nthree"))).containsExactly("one", "two", "three");
        assertThat(PromptFiles.read(file("b.txt", "one\ntwo\n"))).containsExactly("one", "two");
    }

    @Test
    void sharedFilesReadWithTheirRowCounts() throws Exception {
        assertThat(PromptFiles.read(PromptFiles.locateShared("sd1_mem.txt"))).hasSize(500);
        List<String> jsonl = PromptFiles.read(PromptFiles.locateShared("sd1_mem.jsonl"));
        assertThat(jsonl).hasSize(500).isEqualTo(PromptFiles.read(PromptFiles.locateShared("sd1_mem.txt")));
    }

    @Test
    void errorsNameFileAndLine() throws Exception {
        Path blank = file("blank.txt", "one\n\nthree\n");
        assertThatThrownBy(() -> PromptFiles.read(blank)).hasMessageContaining(blank + ":2").hasMessageContaining("blank");
        Path empty = file("empty.txt", "");
        assertThatThrownBy(() -> PromptFiles.read(empty)).hasMessageContaining(empty.toString()).hasMessageContaining("empty");
        Path missing = dir.resolve("missing.txt");
        assertThatThrownBy(() -> PromptFiles.read(missing)).hasMessageContaining(missing.toString())
                .hasMessageContaining("no such");
        Path longer = file("long.txt", "ok\n" + "x".repeat(PromptFiles.MAX_PROMPT_CHARS + 1));
        assertThatThrownBy(() -> PromptFiles.read(longer)).hasMessageContaining(longer + ":2")
                .hasMessageContaining("longer than " + PromptFiles.MAX_PROMPT_CHARS);
    }

    @Test
    void jsonlNeedsCaption() throws Exception {
        assertThat(PromptFiles.read(file("ok.jsonl", "{\"caption\": \"a cat\", \"index\": 3}\n{\"caption\": \"b\"}")))
                .containsExactly("a cat", "b");
        Path bad = file("bad.jsonl", "{\"caption\": \"a\"}\n{\"text\": \"b\"}\n");
        assertThatThrownBy(() -> PromptFiles.read(bad)).hasMessageContaining(bad + ":2").hasMessageContaining("caption");
        Path broken = file("broken.jsonl", "{\"caption\": \"a\"}\n{\"caption\": \n");
        assertThatThrownBy(() -> PromptFiles.read(broken)).hasMessageContaining(broken + ":2")
                .hasMessageContaining("JSON");
    }
}
