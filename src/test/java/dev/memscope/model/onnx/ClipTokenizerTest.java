package dev.memscope.model.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memscope.tensor.NpyArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java tokenizer against the Python reference scripts/tiny_sd/clip_bpe.py (the oracle: expected/ids_*.npy,
 * written by scripts/make_test_unet.py) on tricky prompts: punctuation, HTML entities, contractions, unicode
 * letters / digits / marks / emoji, inline special tokens, over 77 tokens.
 */
class ClipTokenizerTest {
    @TempDir
    Path tmp;

    private static void assertIdsMatch(ClipTokenizer tok, String expectedFile) {
        List<String> prompts = TinyModel.strings("prompts.json");
        NpyArray ids = TinyModel.npy(expectedFile);
        assertThat(ids.shape()).containsExactly(prompts.size(), 77);
        for (int p = 0; p < prompts.size(); p++) {
            int[] want = new int[77];
            for (int i = 0; i < 77; i++) {
                want[i] = (int) ids.values()[p * 77 + i];
            }
            assertThat(tok.encode(prompts.get(p))).as("prompt %d: %s", p, prompts.get(p)).containsExactly(want);
        }
    }

    @Test
    void idsMatchThePythonReferenceWithEndOfTextPadding() throws IOException {
        ClipTokenizer tok = ClipTokenizer.load(TinyModel.dir());
        assertThat(tok.maxLength()).isEqualTo(77);
        assertThat(tok.padId()).isEqualTo(tok.eosId());
        assertIdsMatch(tok, "ids_eot.npy");
    }

    @Test
    void specialTokensMapPadOverridesTheConfigAsInSdV2() throws IOException {
        Path dir = copyTokenizer();
        Files.writeString(dir.resolve("special_tokens_map.json"), "{\"pad_token\": {\"content\": \"!\"}}");
        ClipTokenizer tok = ClipTokenizer.load(dir);
        assertThat(tok.padId()).isZero();
        assertIdsMatch(tok, "ids_bang.npy");
    }

    @Test
    void longPromptsKeepBosAndEosAndTruncateTheBody() throws IOException {
        ClipTokenizer tok = ClipTokenizer.load(TinyModel.dir());
        String longPrompt = TinyModel.strings("prompts.json").stream().filter(p -> p.startsWith("the quick"))
                .findFirst().orElseThrow();
        int[] body = tok.tokens(longPrompt);
        int[] ids = tok.encode(longPrompt);
        assertThat(body.length).isGreaterThan(75);
        assertThat(ids[0]).isEqualTo(tok.bosId());
        assertThat(ids[76]).isEqualTo(tok.eosId());
        assertThat(java.util.Arrays.copyOfRange(ids, 1, 76)).containsExactly(java.util.Arrays.copyOf(body, 75));
    }

    @Test
    void cleaningFollowsPython() {
        assertThat(ClipTokenizer.clean("  A&amp;amp;B\t\u00a0x&notit; \u3000")).isEqualTo("a&b x\u00acit;");
        assertThat(ClipTokenizer.preTokenize("don't 3.14 \u00e9t\u00e9!! <|endoftext|>x"))
                .containsExactly("don", "'t", "3", ".", "1", "4", "\u00e9t\u00e9", "!!", "<|endoftext|>", "x");
    }

    @Test
    void folderWithoutMergesNamesFolderAndFile() throws IOException {
        Path dir = copyTokenizer();
        Files.delete(dir.resolve("merges.txt"));
        assertThatThrownBy(() -> ClipTokenizer.load(dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(dir.toString()).hasMessageContaining("merges.txt");
        Files.delete(dir.resolve("vocab.json"));
        assertThatThrownBy(() -> ClipTokenizer.load(dir)).hasMessageContaining("vocab.json");
        assertThatThrownBy(() -> ClipTokenizer.load(tmp.resolve("nope"))).hasMessageContaining("does not exist");
    }

    @Test
    void malformedMergesLineIsReportedWithFileAndLine() throws IOException {
        Path dir = copyTokenizer();
        List<String> lines = Files.readAllLines(dir.resolve("merges.txt"));
        lines.set(4, "a b c");
        Files.write(dir.resolve("merges.txt"), lines);
        assertThatThrownBy(() -> ClipTokenizer.load(dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(dir.resolve("merges.txt") + ":5:").hasMessageContaining("'a b c'");
    }

    @Test
    void padTokenMissingFromVocabularyIsAnError() throws IOException {
        Path dir = copyTokenizer();
        Files.writeString(dir.resolve("special_tokens_map.json"), "{\"pad_token\": \"<pad>\"}");
        assertThatThrownBy(() -> ClipTokenizer.load(dir)).hasMessageContaining("vocab.json")
                .hasMessageContaining("<pad>");
    }

    private Path copyTokenizer() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("tok"));
        for (String f : List.of("vocab.json", "merges.txt", "tokenizer_config.json")) {
            Files.copy(TinyModel.dir().resolve(f), dir.resolve(f));
        }
        return dir;
    }
}
