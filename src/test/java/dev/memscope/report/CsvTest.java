package dev.memscope.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link Csv} against RFC 4180: exact bytes for the quoting rules, round trips through a reader written from the
 * RFC's grammar ({@link Rfc4180}), and Python's csv module as an independent reader.
 */
class CsvTest {

    @TempDir
    Path dir;

    private static final List<String> HEADER = List.of("prompt", "score", "note");
    private static final List<List<Object>> AWKWARD = List.of(
            List.of("plain", 1.5, "x"),
            List.of("a, comma", -0.25, "say \"hi\""),
            List.of("two\nlines", 1e-300, "cr\rand crlf\r\n"),
            List.of(" padded ", 42L, ""),
            Arrays.asList("\"quoted\"", 0.1f, null),
            List.of("unicode é ✓", Double.MAX_VALUE, ",,,"));

    @Test
    void quotesOnlyWhereTheRfcRequiresAndDoublesInnerQuotes() {
        assertThat(Csv.field("plain")).isEqualTo("plain");
        assertThat(Csv.field("a,b")).isEqualTo("\"a,b\"");
        assertThat(Csv.field("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(Csv.field("a\nb")).isEqualTo("\"a\nb\"");
        assertThat(Csv.field("a\rb")).isEqualTo("\"a\rb\"");
        assertThat(Csv.field(" lead")).isEqualTo("\" lead\"");
        assertThat(Csv.field("")).isEqualTo("");
        assertThat(Csv.format("t", List.of("a", "b"), List.of(List.of("x,y", 2.0))))
                .isEqualTo("a,b\r\n\"x,y\",2.0\r\n");
    }

    @Test
    void roundTripsCommasQuotesAndNewlinesThroughAnRfc4180Reader() throws Exception {
        Path f = dir.resolve("scores.csv");
        Csv.write(f, HEADER, AWKWARD);
        List<List<String>> back = Rfc4180.parse(Files.readString(f, StandardCharsets.UTF_8));
        assertThat(back).hasSize(AWKWARD.size() + 1);
        assertThat(back.get(0)).isEqualTo(HEADER);
        for (int r = 0; r < AWKWARD.size(); r++) {
            for (int c = 0; c < HEADER.size(); c++) {
                Object v = AWKWARD.get(r).get(c);
                assertThat(back.get(r + 1).get(c)).as("row %d col %d", r, c)
                        .isEqualTo(v == null ? "" : v.toString());
            }
        }
        // Full precision: numbers parse back to the same double.
        assertThat(Double.parseDouble(back.get(3).get(1))).isEqualTo(1e-300);
        assertThat(Double.parseDouble(back.get(6).get(1))).isEqualTo(Double.MAX_VALUE);
    }

    @Test
    void pythonsCsvModuleReadsTheSameFields() throws Exception {
        assumeTrue(Python.available(), "python3 is not available");
        Path f = dir.resolve("scores.csv");
        Csv.write(f, HEADER, AWKWARD);
        String json = Python.run("""
                import csv, json, sys
                with open(sys.argv[1], newline='', encoding='utf-8') as fh:
                    print(json.dumps(list(csv.reader(fh, strict=True))))
                """, f.toString());
        List<?> rows = new ObjectMapper().readValue(json, List.class);
        assertThat(rows).isEqualTo(Rfc4180.parse(Files.readString(f)));
        assertThat(((List<?>) rows.get(3)).get(0)).isEqualTo("two\nlines");
        assertThat(((List<?>) rows.get(3)).get(2)).isEqualTo("cr\rand crlf\r\n");
    }

    @Test
    void tableExportsRawValuesNotTheirDisplayFormat() throws Exception {
        Table t = Table.builder().column("d").column("auc", Align.RIGHT, CellFormat.fixed(2))
                .row("a|b", 0.98213).build();
        Path f = dir.resolve("t.csv");
        Csv.write(f, t);
        assertThat(Files.readString(f)).isEqualTo("d,auc\r\na|b,0.98213\r\n");
    }

    @Test
    void nonFiniteNumbersAreRefusedNamingRowAndColumn() throws Exception {
        Path f = dir.resolve("bad.csv");
        Files.writeString(f, "old");
        assertThatThrownBy(() -> Csv.write(f, List.of("a", "b"), List.of(List.of(1, 2.0), List.of(3, Double.NaN))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bad.csv").hasMessageContaining("row 1, column 1 is NaN");
        assertThat(Files.readString(f)).isEqualTo("old");
        assertThatThrownBy(() -> Csv.format("x", List.of("a"), List.of(List.of(1, 2))))
                .hasMessageContaining("row 0 has 2 fields but the header has 1");
    }

    /** Issue 14 B.7: prompt text that a spreadsheet would run as a formula is written inert. */
    @Test
    void formulaLikeTextCellsAreNeutralisedAndNumbersAreNot() {
        String csv = Csv.format("t", List.of("prompt", "score"), List.of(
                List.of("=HYPERLINK(\"http://x\")", -0.5),
                List.of("+1+1", 1.0),
                List.of("-2+3", -1L),
                List.of("@SUM(A1)", 0.0),
                List.of("\tTAB", 2.0),
                List.of("\rCR", 3.0),
                List.of("a = b", 4.0)));
        List<List<String>> rows = Rfc4180.parse(csv);
        assertThat(rows.subList(1, rows.size())).extracting(r -> r.get(0)).containsExactly(
                "'=HYPERLINK(\"http://x\")", "'+1+1", "'-2+3", "'@SUM(A1)", "'\tTAB", "'\rCR", "a = b");
        assertThat(rows.subList(1, rows.size())).extracting(r -> r.get(1)).containsExactly(
                "-0.5", "1.0", "-1", "0.0", "2.0", "3.0", "4.0");
    }
}
