package dev.memscope.report;

import org.junit.jupiter.api.Test;

import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link Table} rendering, checked against hand-written expected text (the oracle is the reader's eye). */
class TableTest {

    private static Table detectors() {
        return Table.builder()
                .column("detector")
                .column("steps", Align.CENTER, CellFormat.integer())
                .column("AUC", Align.RIGHT, CellFormat.fixed(3))
                .column("TPR@1%", Align.RIGHT, CellFormat.percent(1))
                .column("speed-up", Align.RIGHT, CellFormat.times(1))
                .row("anisotropy", 2, 0.98213, 0.8, 48.25)
                .row("wen (50 steps)", 50, 0.9, 0.125, 1.0)
                .build();
    }

    @Test
    void consoleTablePadsEachColumnToItsWidestCellAndAlignsAsDeclared() {
        assertThat(detectors().toConsole()).isEqualTo("""
                detector        steps    AUC  TPR@1%  speed-up
                --------------  -----  -----  ------  --------
                anisotropy        2    0.982   80.0%     48.3x
                wen (50 steps)   50    0.900   12.5%      1.0x
                """);
    }

    @Test
    void markdownTableCarriesAlignmentInTheDelimiterRow() {
        assertThat(detectors().toMarkdown()).isEqualTo("""
                | detector       | steps |   AUC | TPR@1% | speed-up |
                | :------------- | :---: | ----: | -----: | -------: |
                | anisotropy     |   2   | 0.982 |  80.0% |    48.3x |
                | wen (50 steps) |  50   | 0.900 |  12.5% |     1.0x |
                """);
    }

    @Test
    void markdownEscapesPipesSoACellCannotSplitTheRow() {
        Table t = Table.builder().column("a|b").column("c").row("x | y", "back\\|slash").build();
        String md = t.toMarkdown();
        assertThat(md).isEqualTo("""
                | a\\|b   | c             |
                | :----- | :------------ |
                | x \\| y | back\\\\\\|slash |
                """);
        // Each row still has exactly one unescaped '|' per column boundary.
        for (String line : md.split("\n")) {
            assertThat(line.replaceAll("\\\\\\\\", "").replaceAll("\\\\\\|", "").chars().filter(ch -> ch == '|'))
                    .as(line).hasSize(3);
        }
        // The console table shows the text as it is.
        assertThat(t.toConsole()).contains("x | y").contains("back\\|slash");
    }

    @Test
    void nullIsEmptyAndNonFiniteNumbersStayVisible() {
        Table t = Table.builder().column("name").column("v", Align.RIGHT, CellFormat.fixed(2))
                .row("a", null).row("b", Double.NaN).row("c", Double.NEGATIVE_INFINITY).row("d", "n/a").build();
        assertThat(t.toConsole()).isEqualTo("""
                name     v
                ----  ----
                a
                b      NaN
                c     -inf
                d      n/a
                """);
    }

    @Test
    void lineBreaksInCellsBecomeSpaces() {
        Table t = Table.builder().column("prompt").row("two\nlines").build();
        assertThat(t.cell(0, 0)).isEqualTo("two lines");
        assertThat(t.toMarkdown()).doesNotContain("two\n");
    }

    @Test
    void numbersIgnoreTheDefaultLocale() {
        Locale before = Locale.getDefault();
        try {
            Locale.setDefault(Locale.GERMANY);
            assertThat(CellFormat.fixed(3).format(0.5)).isEqualTo("0.500");
            assertThat(CellFormat.integer().format(1234567)).isEqualTo("1,234,567");
            assertThat(CellFormat.scientific(2).format(0.000123)).isEqualTo("1.23e-04");
        } finally {
            Locale.setDefault(before);
        }
    }

    @Test
    void rowOfTheWrongWidthIsRefusedNamingRowAndColumns() {
        Table.Builder b = Table.builder().column("a").column("b").row(1, 2);
        assertThatThrownBy(() -> b.row(1, 2, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("row 1 has 3 cells").hasMessageContaining("2 columns [a, b]");
        assertThatThrownBy(() -> b.column("late")).hasMessageContaining("'late' declared after rows");
        assertThatThrownBy(() -> Table.builder().build()).hasMessageContaining("at least one column");
    }

    @Test
    void rowsKeepRawValuesForFullPrecisionExport() {
        Table t = detectors();
        assertThat(t.rows().get(0).get(2)).isEqualTo(0.98213);
        assertThat(t.headers()).containsExactly("detector", "steps", "AUC", "TPR@1%", "speed-up");
        assertThatThrownBy(() -> t.rows().get(0).set(0, "x")).isInstanceOf(UnsupportedOperationException.class);
    }
}
