package dev.memscope.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.memscope.io.InputFiles;
import dev.memscope.io.Installation;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads prompt lists: plain text (one prompt per line) or JSON Lines (one object per line with a string
 * {@code caption}) or a MemBench CSV ({@link MemBenchCsv}). The format follows the extension ({@code .jsonl} is JSON
 * Lines, {@code .csv} MemBench, anything else text).
 *
 * <p>Rules, each failure naming file and line: the file must exist and hold at least one prompt; a final newline
 * is optional (several shared files lack one) and a trailing {@code \r} is dropped; a blank line inside the file is
 * an error (it would silently become the null condition), as is a prompt longer than {@link #MAX_PROMPT_CHARS}
 * characters. Prompts are otherwise kept verbatim (no trimming, no de-duplication).
 */
public final class PromptFiles {
    /** Longest accepted prompt, in characters. The longest in the shared data is 538 (sd1_nmem.txt). */
    public static final int MAX_PROMPT_CHARS = 1000;

    private static final ObjectMapper JSON = new ObjectMapper();

    private PromptFiles() {
    }

    public static List<String> read(Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase();
        if (name.endsWith(".csv")) {
            return MemBenchCsv.prompts(file);
        }
        return name.endsWith(".jsonl") ? readJsonl(file) : readText(file);
    }

    public static List<String> readText(Path file) throws IOException {
        List<String> lines = lines(file);
        List<String> prompts = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            prompts.add(check(file, i + 1, lines.get(i)));
        }
        return prompts;
    }

    public static List<String> readJsonl(Path file) throws IOException {
        List<String> lines = lines(file);
        List<String> prompts = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                throw new PromptFileException(file, i + 1, "blank line (every line must hold one JSON object)");
            }
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (JsonProcessingException e) {
                throw new PromptFileException(file, i + 1, "not valid JSON: " + e.getOriginalMessage());
            }
            JsonNode caption = node == null ? null : node.get("caption");
            if (caption == null || !caption.isTextual()) {
                throw new PromptFileException(file, i + 1, "no string field 'caption'");
            }
            prompts.add(check(file, i + 1, caption.textValue()));
        }
        return prompts;
    }

    private static List<String> lines(Path file) throws IOException {
        String text;
        try {
            byte[] bytes = InputFiles.readAllBytes(file);
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (NoSuchFileException e) {
            throw new PromptFileException(file, 0, "no such prompt file");
        } catch (CharacterCodingException e) {
            throw new PromptFileException(file, 0, "not UTF-8 text");
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        if (text.isEmpty()) {
            throw new PromptFileException(file, 0, "empty prompt file");
        }
        List<String> out = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int nl = text.indexOf('\n', start);
            int end = nl < 0 ? text.length() : nl;
            String line = text.substring(start, end);
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            out.add(line);
            start = end + 1;
        }
        return out;
    }

    private static String check(Path file, int line, String prompt) throws PromptFileException {
        if (prompt.isBlank()) {
            throw new PromptFileException(file, line, "blank prompt (the empty prompt is the null condition; "
                    + "remove the line)");
        }
        if (prompt.length() > MAX_PROMPT_CHARS) {
            throw new PromptFileException(file, line, "prompt of " + prompt.length() + " characters is longer than "
                    + MAX_PROMPT_CHARS);
        }
        return prompt;
    }

    /**
     * Finds a shared data file by name: under {@code <memscope.shared>/data/} when that property is set, then under
     * the shared folder beside the installation ({@link Installation#sharedBesideHome()}, so a run from any working
     * directory finds it), then {@code ../shared/data/} and {@code data/} relative to the working directory. A name
     * that is an existing path is used as given.
     */
    public static Path locateShared(String name) throws PromptFileException {
        Path given = Path.of(name);
        if (Files.isRegularFile(given)) {
            return given;
        }
        List<Path> candidates = new ArrayList<>();
        String shared = System.getProperty("memscope.shared");
        if (shared != null) {
            candidates.add(Path.of(shared, "data", name));
        }
        candidates.add(Installation.sharedBesideHome().resolve("data").resolve(name));
        candidates.add(Path.of("..", "shared", "data", name));
        candidates.add(Path.of("data", name));
        for (Path p : candidates) {
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new PromptFileException(given, 0, "not found as a path, nor in " + candidates
                + " (set -Dmemscope.shared or MEMSCOPE_HOME)");
    }
}
