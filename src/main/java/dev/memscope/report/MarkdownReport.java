package dev.memscope.report;

import dev.memscope.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds a Markdown document block by block and writes it atomically. Paragraph and list text is Markdown as given
 * (so emphasis and links work); headings, tables, images and code are made safe by the builder.
 *
 * <pre>{@code
 * MarkdownReport.titled("MemScope compare")
 *         .paragraph("Lab world, 100 memorized and 100 unmemorized prompts.")
 *         .table(table)
 *         .image("ROC curves", "roc.png")          // relative to the report file
 *         .code("bash", "memscope compare --quick --out results/")
 *         .write(out.resolve("report.md"));
 * }</pre>
 */
public final class MarkdownReport {
    private static final Pattern BACKTICK_RUN = Pattern.compile("`+");

    private final StringBuilder text = new StringBuilder();

    private MarkdownReport() {
    }

    /** A report that starts with a level-1 heading. */
    public static MarkdownReport titled(String title) {
        return new MarkdownReport().heading(1, title);
    }

    /** An empty report. */
    public static MarkdownReport empty() {
        return new MarkdownReport();
    }

    /** A heading of level 1 to 6; line breaks in the text become spaces. */
    public MarkdownReport heading(int level, String title) {
        if (level < 1 || level > 6) {
            throw new IllegalArgumentException("heading level must be 1..6, got " + level);
        }
        return block("#".repeat(level) + " " + oneLine(title));
    }

    public MarkdownReport paragraph(String markdown) {
        return block(markdown.strip());
    }

    public MarkdownReport bullets(List<String> items) {
        StringBuilder sb = new StringBuilder();
        for (String item : items) {
            sb.append("- ").append(oneLine(item)).append('\n');
        }
        return block(sb.toString().stripTrailing());
    }

    public MarkdownReport table(Table table) {
        return block(table.toMarkdown().stripTrailing());
    }

    /**
     * An image by a path relative to the report file (forward slashes; absolute paths are refused, since they break
     * as soon as the output folder moves). Spaces and parentheses are percent-encoded so the link stays intact.
     */
    public MarkdownReport image(String altText, String relativePath) {
        if (relativePath.isEmpty() || relativePath.startsWith("/") || relativePath.contains("\\")
                || relativePath.matches("^[A-Za-z]:.*") || relativePath.contains("://")) {
            throw new IllegalArgumentException("image path must be relative with '/' separators: '" + relativePath + "'");
        }
        String alt = oneLine(altText).replace("[", "\\[").replace("]", "\\]");
        String target = relativePath.replace("%", "%25").replace(" ", "%20").replace("(", "%28").replace(")", "%29");
        return block("![" + alt + "](" + target + ")");
    }

    /** A fenced code block; the fence is longer than any backtick run in the code, so the code cannot close it. */
    public MarkdownReport code(String language, String code) {
        int longest = 0;
        Matcher m = BACKTICK_RUN.matcher(code);
        while (m.find()) {
            longest = Math.max(longest, m.group().length());
        }
        String fence = "`".repeat(Math.max(3, longest + 1));
        return block(fence + oneLine(language) + "\n" + code.stripTrailing() + "\n" + fence);
    }

    /** The document: blocks separated by one blank line, ending in a single newline. */
    public String render() {
        return text.toString();
    }

    public void write(Path file) throws IOException {
        AtomicFiles.writeString(file, render());
    }

    @Override
    public String toString() {
        return render();
    }

    private MarkdownReport block(String block) {
        if (text.length() > 0) {
            text.append('\n');
        }
        text.append(block).append('\n');
        return this;
    }

    private static String oneLine(String s) {
        return s.replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ').strip();
    }
}
