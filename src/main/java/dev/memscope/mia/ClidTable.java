package dev.memscope.mia;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The CLiD paper's table 2 (COCO, real-world setting) recomputed from the released per-sample files: PIA, SecMI
 * and PFAMI as shadow-calibrated {@link ThresholdAttack}s (PFAMI negated, as the authors' script does), then
 * {@link ClidThreshold} and {@link ClidVector} on the CLiD features. Queries per sample are the authors' UNet pass
 * counts for making the features.
 */
public final class ClidTable {
    public static final int QUERIES_PIA = 2;
    public static final int QUERIES_SECMI = 12;
    public static final int QUERIES_PFAMI = 20;
    public static final int QUERIES_CLID = 15;

    private ClidTable() {
    }

    /**
     * @param skipFirstRow drop the first line of every file, as the authors' scripts do
     * @param seed         XGBoost's seed for CLiD_vec
     */
    public static List<AttackRow> compute(ReleasedClidFiles files, boolean skipFirstRow, int seed)
            throws IOException {
        List<AttackRow> rows = new ArrayList<>();
        rows.add(baseline(files, ReleasedClidFiles.Attack.PIA, "PIA", QUERIES_PIA, false, skipFirstRow));
        rows.add(baseline(files, ReleasedClidFiles.Attack.SECMI, "SecMI", QUERIES_SECMI, false, skipFirstRow));
        // PFAMI members score higher (a probability fluctuation that memorized samples raise): the authors negate it.
        rows.add(baseline(files, ReleasedClidFiles.Attack.PFAMI, "PFAMI", QUERIES_PFAMI, true, skipFirstRow));

        ReleasedClidFiles.Quad q = files.files(ReleasedClidFiles.Attack.CLID);
        ClidFeatures sm = ClidFeatureFile.read(q.shadowMembers(), skipFirstRow);
        ClidFeatures sh = ClidFeatureFile.read(q.shadowHoldout(), skipFirstRow);
        ClidFeatures tm = ClidFeatureFile.read(q.targetMembers(), skipFirstRow);
        ClidFeatures th = ClidFeatureFile.read(q.targetHoldout(), skipFirstRow);
        ClidResult t = ClidThreshold.evaluate(sm, sh, tm, th);
        rows.add(new AttackRow("CLiD_th", QUERIES_CLID, t.targetAsr(), t.targetAuc(), t.targetTprAt1(),
                String.format(Locale.ROOT, "alpha %.1f, threshold %.6g (shadow accuracy %.4f)", t.alpha(),
                        t.threshold(), t.shadowAccuracy())));
        rows.add(ClidVector.evaluate(ClidVector.Params.authors(seed), sm, sh, tm, th).row(QUERIES_CLID));
        return rows;
    }

    private static AttackRow baseline(ReleasedClidFiles files, ReleasedClidFiles.Attack attack, String name,
                                      int queries, boolean negate, boolean skipFirstRow) throws IOException {
        ReleasedClidFiles.Quad q = files.files(attack);
        double[][] s = {
            ScoreFile.read(q.shadowMembers(), skipFirstRow), ScoreFile.read(q.shadowHoldout(), skipFirstRow),
            ScoreFile.read(q.targetMembers(), skipFirstRow), ScoreFile.read(q.targetHoldout(), skipFirstRow)};
        if (negate) {
            for (int i = 0; i < s.length; i++) {
                s[i] = ThresholdAttack.negated(s[i]);
            }
        }
        return ThresholdAttack.evaluate(name, queries, s[0], s[1], s[2], s[3]);
    }

    /** A Markdown table, one line per row, rates to 4 decimals. */
    public static List<String> render(List<AttackRow> rows) {
        List<String> out = new ArrayList<>();
        out.add("| method | queries | ASR | AUC | TPR@1%FPR | calibrated on the shadow model |");
        out.add("|---|---:|---:|---:|---:|---|");
        for (AttackRow r : rows) {
            out.add(String.format(Locale.ROOT, "| %s | %d | %.4f | %.4f | %.4f | %s |", r.method(), r.queries(),
                    r.asr(), r.auc(), r.tprAt1Fpr(), r.calibration()));
        }
        return out;
    }
}
