package dev.memscope.mia;

/**
 * Per-sample CLiD features, one row per sample, in the released column order: {@code cond0} (the noise-prediction
 * MSE under the full caption, averaged over the timesteps and latent elements), then {@code cond1_dif},
 * {@code cond2_dif}, {@code cond3_dif} (MSE with the top 30/50/70% most important words removed, minus cond0) and
 * {@code condNull_dif} (MSE with the empty caption, minus cond0). Members tend to have a lower cond0 and larger
 * differences. Immutable; every value finite.
 *
 * @param source where the rows came from (a file name, "lab shadow members"), for messages
 */
public record ClidFeatures(String source, double[][] rows) {
    public static final String[] COLUMNS = {"cond0", "cond1_dif", "cond2_dif", "cond3_dif", "condNull_dif"};

    public ClidFeatures {
        if (rows.length == 0) {
            throw new IllegalArgumentException(source + ": no samples");
        }
        double[][] copy = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != COLUMNS.length) {
                throw new IllegalArgumentException(source + ": sample " + i + " has " + rows[i].length
                        + " features, expected " + COLUMNS.length);
            }
            for (int j = 0; j < COLUMNS.length; j++) {
                if (!Double.isFinite(rows[i][j])) {
                    throw new IllegalArgumentException(source + ": sample " + i + " " + COLUMNS[j] + " is "
                            + rows[i][j]);
                }
            }
            copy[i] = rows[i].clone();
        }
        rows = copy;
    }

    public int size() {
        return rows.length;
    }

    public double get(int sample, int column) {
        return rows[sample][column];
    }

    /**
     * The two CLiD_th terms of every sample, as the authors' evaluation code forms them: the L-term is {@code cond0}
     * itself (the MSE, so lower = member), the D-term is {@code -(sum of the four _dif columns) / 4} (also lower =
     * member). Summed left to right as Python's {@code sum} does.
     */
    public double[][] terms() {
        double[][] out = new double[rows.length][2];
        for (int i = 0; i < rows.length; i++) {
            double s = 0;
            for (int j = 1; j < COLUMNS.length; j++) {
                s += rows[i][j];
            }
            out[i][0] = rows[i][0];
            out[i][1] = -s / (COLUMNS.length - 1);
        }
        return out;
    }
}
