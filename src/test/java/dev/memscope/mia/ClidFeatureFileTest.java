package dev.memscope.mia;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClidFeatureFileTest {
    @TempDir
    Path dir;

    private Path file(String text) throws IOException {
        Path p = dir.resolve("f.txt");
        Files.writeString(p, text);
        return p;
    }

    @Test
    void readsReleasedFormatWithOrWithoutFinalNewlineAndCrlf() throws IOException {
        ClidFeatures f = ClidFeatureFile.read(file("0.1\t0.01\t0.02\t0.03\t0.04\r\n0.2\t-1e-05\t0\t1\t2"));
        assertThat(f.size()).isEqualTo(2);
        assertThat(f.rows()[1]).containsExactly(0.2, -1e-05, 0, 1, 2);
        ClidFeatures skipped = ClidFeatureFile.read(file("1\t2\t3\t4\t5\n6\t7\t8\t9\t10\n"), true);
        assertThat(skipped.size()).isEqualTo(1);
        assertThat(skipped.rows()[0]).containsExactly(6, 7, 8, 9, 10);
    }

    @Test
    void roundTripsThroughWrite() throws IOException {
        ClidFeatures f = new ClidFeatures("x", new double[][] {{0.1, 1.0 / 3, -2e-7, 4, 5}});
        Path p = dir.resolve("out/w.txt");
        ClidFeatureFile.write(f, p);
        assertThat(ClidFeatureFile.read(p).rows()[0]).containsExactly(f.rows()[0]);
        try (var s = Files.list(p.getParent())) {
            assertThat(s).containsExactly(p); // no temp file left behind
        }
    }

    @Test
    void errorsNameFileAndLine() throws IOException {
        assertThatThrownBy(() -> ClidFeatureFile.read(file("")))
                .hasMessageContaining("f.txt").hasMessageContaining("empty");
        assertThatThrownBy(() -> ClidFeatureFile.read(file("1\t2\t3\t4\t5\n1\t2\t3\t4\n")))
                .hasMessageContaining("f.txt:2:").hasMessageContaining("4 tab-separated columns, expected 5");
        assertThatThrownBy(() -> ClidFeatureFile.read(file("1\t2\t3\t4\t5\n1\t2\tabc\t4\t5")))
                .hasMessageContaining("f.txt:2:").hasMessageContaining("column 3 (cond2_dif) 'abc' is not a number");
        assertThatThrownBy(() -> ClidFeatureFile.read(file("1\t2\t3\tNaN\t5")))
                .hasMessageContaining("f.txt:1:").hasMessageContaining("'NaN' is not a finite");
        assertThatThrownBy(() -> ClidFeatureFile.read(file("1\t2\t3\t4\t1d")))
                .hasMessageContaining("f.txt:1:").hasMessageContaining("'1d'");
        assertThatThrownBy(() -> ClidFeatureFile.read(file("1\t2\t3\t4\t5\n\n1\t2\t3\t4\t5")))
                .hasMessageContaining("f.txt:2: blank line");
        assertThatThrownBy(() -> ClidFeatureFile.read(file("1\t2\t3\t4\t5\n"), true))
                .hasMessageContaining("no samples after skipping the first line");
        assertThatThrownBy(() -> ClidFeatureFile.read(dir.resolve("missing.txt")))
                .hasMessageContaining("missing.txt: no such CLiD feature file");
    }
}
