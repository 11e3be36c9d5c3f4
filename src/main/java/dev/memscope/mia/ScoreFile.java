package dev.memscope.mia;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A released baseline score file (PIA, SecMI, PFAMI): one per-sample attack score per line, in the layout of
 * {@link NumericTextTable} (errors name the file and line).
 */
public final class ScoreFile {
    private static final String[] COLUMN = {"score"};

    private ScoreFile() {
    }

    public static double[] read(Path file, boolean skipFirstRow) throws IOException {
        double[][] rows = NumericTextTable.read(file, "baseline score file", COLUMN, skipFirstRow);
        double[] out = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = rows[i][0];
        }
        return out;
    }
}
