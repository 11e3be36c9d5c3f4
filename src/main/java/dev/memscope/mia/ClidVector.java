package dev.memscope.mia;

import dev.memscope.eval.Roc;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * CLiD_vec (Zhai et al., NeurIPS 2024): the five released feature columns (cond0 = -L, then D_1, D_2, D_3, D_null)
 * of every sample into an XGBoost classifier, fitted on all shadow rows (members label 0, hold-out label 1) and
 * applied unchanged to the target. ASR is the accuracy of the class prediction (hold-out iff probability > 0.5, as
 * XGBClassifier.predict cuts); AUC and TPR@1%FPR are computed on the predicted hold-out probability.
 *
 * <p>The booster is XGBoost4J (the native library in its jar). Rows go in file order, members then hold-out: the
 * authors shuffle them without a seed first, which with row subsampling only changes which rows each tree draws,
 * i.e. acts as a second seed (docs/clid.md measures the spread).
 */
public final class ClidVector {
    public static final double TARGET_FPR = 0.01;

    /**
     * The authors' XGBClassifier settings; everything else at XGBoost's defaults (of the pinned 1.7 release:
     * learning rate 0.3, tree method "auto", which is "exact" on data this small, base score 0.5).
     *
     * @param seed XGBoost's {@code seed} (Python: {@code random_state}); drives the row and column subsampling
     */
    public record Params(int rounds, double gamma, int maxDepth, double subsample, double colsampleByTree,
                         double alpha, double lambda, int seed) {
        public static Params authors(int seed) {
            return new Params(20, 0.7, 3, 0.7, 0.7, 1, 1, seed);
        }

        Map<String, Object> booster() {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("objective", "binary:logistic");
            p.put("gamma", gamma);
            p.put("max_depth", maxDepth);
            p.put("subsample", subsample);
            p.put("colsample_bytree", colsampleByTree);
            p.put("alpha", alpha);
            p.put("lambda", lambda);
            p.put("seed", seed);
            p.put("verbosity", 0);
            return p;
        }
    }

    /**
     * What CLiD_vec reports.
     *
     * @param shadowAccuracy    accuracy of the fitted classifier on its own shadow rows
     * @param targetProbability per target sample (members first, then hold-out), the predicted hold-out probability
     */
    public record Result(Params params, double shadowAccuracy, double asr, double auc, double tprAt1Fpr,
                         float[] targetProbability) {
        public AttackRow row(int queries) {
            return new AttackRow("CLiD_vec", queries, asr, auc, tprAt1Fpr, String.format(Locale.ROOT,
                    "XGBoost, 20 trees, seed %d (shadow accuracy %.4f)", params.seed(), shadowAccuracy));
        }
    }

    private ClidVector() {
    }

    public static Result evaluate(Params params, ClidFeatures shadowMembers, ClidFeatures shadowHoldout,
                                  ClidFeatures targetMembers, ClidFeatures targetHoldout) {
        try {
            DMatrix train = matrix(shadowMembers, shadowHoldout);
            DMatrix target = matrix(targetMembers, targetHoldout);
            try {
                Booster booster = XGBoost.train(train, params.booster(), params.rounds(), Map.of(), null, null);
                try {
                    float[] shadowP = column(booster.predict(train));
                    float[] targetP = column(booster.predict(target));
                    double shadowAcc = accuracy(shadowP, shadowMembers.size());
                    double asr = accuracy(targetP, targetMembers.size());
                    double[] m = new double[targetMembers.size()];
                    double[] h = new double[targetHoldout.size()];
                    for (int i = 0; i < m.length; i++) {
                        m[i] = targetP[i];
                    }
                    for (int i = 0; i < h.length; i++) {
                        h[i] = targetP[m.length + i];
                    }
                    Roc roc = HoldoutRoc.of(m, h);
                    return new Result(params, shadowAcc, asr, roc.auc(), roc.tprAtFprAtLeast(TARGET_FPR), targetP);
                } finally {
                    booster.dispose();
                }
            } finally {
                train.dispose();
                target.dispose();
            }
        } catch (XGBoostError e) {
            throw new IllegalStateException("XGBoost failed on " + shadowMembers.source() + " / "
                    + shadowHoldout.source() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Members then hold-out, row-major float32 (XGBoost's own storage type: NumPy callers are cast the same way,
     * round to nearest), labels 0 and 1.
     */
    private static DMatrix matrix(ClidFeatures members, ClidFeatures holdout) throws XGBoostError {
        int cols = ClidFeatures.COLUMNS.length;
        int n = members.size() + holdout.size();
        float[] data = new float[n * cols];
        float[] labels = new float[n];
        for (int i = 0; i < n; i++) {
            boolean isHoldout = i >= members.size();
            ClidFeatures f = isHoldout ? holdout : members;
            int r = isHoldout ? i - members.size() : i;
            for (int j = 0; j < cols; j++) {
                data[i * cols + j] = (float) f.get(r, j);
            }
            labels[i] = isHoldout ? 1f : 0f;
        }
        DMatrix m = new DMatrix(data, n, cols, Float.NaN);
        m.setLabel(labels);
        return m;
    }

    private static float[] column(float[][] predictions) {
        float[] out = new float[predictions.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = predictions[i][0];
        }
        return out;
    }

    /** Share of rows whose class (hold-out iff p > 0.5) matches: the first {@code members} rows are members. */
    private static double accuracy(float[] p, int members) {
        int correct = 0;
        for (int i = 0; i < p.length; i++) {
            boolean predictedHoldout = p[i] > 0.5f;
            if (predictedHoldout == (i >= members)) {
                correct++;
            }
        }
        return correct / (double) p.length;
    }
}
