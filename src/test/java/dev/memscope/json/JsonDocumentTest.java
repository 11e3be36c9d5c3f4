package dev.memscope.json;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Errors name file, line, column and field path; deep and huge documents are refused with one line. */
class JsonDocumentTest {
    @TempDir
    Path dir;

    private Path file(String content) throws IOException {
        return Files.writeString(dir.resolve("doc.json"), content);
    }

    @Test
    void aWrongTypeIsReportedAtTheValueWithItsPath() throws IOException {
        Path f = file("{\n  \"shards\": [\n    {\"file\": \"a.npy\"},\n    {\"file\": \"b.npy\", \"count\": \"3\"}\n  ]\n}\n");
        JsonValue shard = JsonDocument.read(f).root().get("shards").at(1);
        JsonFormatException e = catchThrowableOfType(() -> shard.get("count").integer(), JsonFormatException.class);
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.column()).isEqualTo(32);
        assertThat(e.field()).isEqualTo("shards[1].count");
        assertThat(e).hasMessage(f + ":4:32: 'shards[1].count' must be an integer, got \"3\"");
        assertThat(e.positionedProblem()).isEqualTo("line 4, column 32: 'shards[1].count' must be an integer, got \"3\"");
    }

    @Test
    void aMissingFieldIsReportedAtItsEnclosingObject() throws IOException {
        Path f = file("{\"a\": 1,\n \"b\": {\"c\": [1, 2]}}");
        JsonValue b = JsonDocument.read(f).root().get("b");
        JsonFormatException e = catchThrowableOfType(() -> b.get("d").string(), JsonFormatException.class);
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.column()).isEqualTo(7);
        assertThat(e).hasMessageContaining("'b.d' must be a string, got nothing (missing)");
        JsonFormatException inArray = catchThrowableOfType(() -> b.get("c").at(1).string(), JsonFormatException.class);
        assertThat(inArray).hasMessage(f + ":2:17: 'b.c[1]' must be a string, got 2");
    }

    @Test
    void invalidJsonIsReportedWhereTheParserStopped() throws IOException {
        Path f = file("{\"a\": 1,\n \"b\": oops}");
        assertThatThrownBy(() -> JsonDocument.read(f)).isInstanceOf(JsonFormatException.class)
                .hasMessageStartingWith(f + ":2:").hasMessageContaining("is not valid JSON");
    }

    @Test
    void aDeeplyNestedDocumentIsRefusedWithOneLine() throws IOException {
        Path f = file("[".repeat(100_000) + "]".repeat(100_000));
        JsonFormatException e = catchThrowableOfType(() -> JsonDocument.read(f), JsonFormatException.class);
        assertThat(e).hasMessage(f + ": is refused: nested deeper than " + JsonDocument.DEFAULT_MAX_DEPTH + " levels");
        // the limit is what refuses it, not the parser's own default of 1000
        Path ok = file("[".repeat(64) + "]".repeat(64));
        assertThat(JsonDocument.read(ok).root().isArray()).isTrue();
        Path deeper = file("[".repeat(65) + "]".repeat(65));
        assertThatThrownBy(() -> JsonDocument.read(deeper)).isInstanceOf(JsonFormatException.class);
    }

    @Test
    void aHugeFileIsRefusedBeforeItIsRead() throws IOException {
        Path f = dir.resolve("huge.json");
        try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "rw")) {
            r.setLength(JsonDocument.DEFAULT_MAX_BYTES + 1); // sparse: nothing is written, and nothing may be read
        }
        assertThatThrownBy(() -> JsonDocument.read(f)).isInstanceOf(JsonFormatException.class)
                .hasMessage(f + ": is " + (JsonDocument.DEFAULT_MAX_BYTES + 1) + " bytes, more than the "
                        + JsonDocument.DEFAULT_MAX_BYTES + " this reader accepts");
    }

    @Test
    void anEmptyFileIsRefused() throws IOException {
        Path f = file("  \n");
        assertThatThrownBy(() -> JsonDocument.read(f)).isInstanceOf(JsonFormatException.class)
                .hasMessageContaining("is empty");
    }

    @Test
    void typedAccessorsReadWhatTheyPromise() throws IOException {
        JsonValue root = JsonDocument.read(file("{\"s\": \"x\", \"n\": 2.5, \"i\": [1, 2, 3], \"nan\": NaN}")).root();
        assertThat(root.get("s").string()).isEqualTo("x");
        assertThat(root.get("n").number()).isEqualTo(2.5);
        assertThat(root.get("i").ints()).containsExactly(1, 2, 3);
        assertThat(root.get("nan").number()).isNaN();
        assertThat(root.get("absent").isAbsent()).isTrue();
        assertThat(root.fields()).containsOnlyKeys("s", "n", "i", "nan");
        assertThatThrownBy(() -> root.get("n").integer()).hasMessageContaining("'n' must be an integer, got 2.5");
    }
}
