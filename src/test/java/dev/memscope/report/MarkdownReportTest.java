package dev.memscope.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MarkdownReportTest {

    @TempDir
    Path dir;

    @Test
    void rendersBlocksSeparatedByBlankLines() throws Exception {
        Table t = Table.builder().column("detector").column("AUC", Align.RIGHT, CellFormat.fixed(2))
                .row("anisotropy", 0.981).build();
        Path f = dir.resolve("report.md");
        MarkdownReport.titled("MemScope\ncompare")
                .paragraph("Lab world, *quick* run.\n")
                .heading(2, "Results")
                .table(t)
                .image("ROC [log]", "plots/roc curves (log).png")
                .bullets(List.of("one", "two\nlines"))
                .code("bash", "memscope compare --quick\n")
                .write(f);
        assertThat(Files.readString(f)).isEqualTo("""
                # MemScope compare

                Lab world, *quick* run.

                ## Results

                | detector   |  AUC |
                | :--------- | ---: |
                | anisotropy | 0.98 |

                ![ROC \\[log\\]](plots/roc%20curves%20%28log%29.png)

                - one
                - two lines

                ```bash
                memscope compare --quick
                ```
                """);
    }

    @Test
    void codeFenceIsLongerThanAnyBacktickRunInTheCode() {
        String md = MarkdownReport.empty().code("md", "```\nnested\n```").render();
        assertThat(md).startsWith("````md\n").endsWith("\n````\n");
    }

    @Test
    void absoluteImagePathsAreRefused() {
        MarkdownReport r = MarkdownReport.empty();
        assertThatThrownBy(() -> r.image("x", "/tmp/roc.png")).hasMessageContaining("must be relative");
        assertThatThrownBy(() -> r.image("x", "C:/roc.png")).hasMessageContaining("must be relative");
        assertThatThrownBy(() -> r.image("x", "plots\\roc.png")).hasMessageContaining("must be relative");
        assertThatThrownBy(() -> r.heading(7, "x")).hasMessageContaining("1..6");
    }
}
