package dev.memscope.copy;

import dev.memscope.source.TestbedImages;


/**
 * The testbed's copy judgement (docs/testbed.md, "The copy measure"): a generation copies when its nearest training
 * image under {@link NormalisedRmsDistance} is closer than TAU = 0.355, and then it copies that image (an item, or
 * a concept image). The training images are the testbed's image sheets ({@link TestbedImages}, models/testbed/
 * images/), which scripts/testbed/copy_reference.py checks against the images labels.py builds; CopyJudgeTest pins
 * this class to NumPy on that script's cases ({@code models/testbed/copy/}).
 */
public final class CopyJudge {
    /** TAU and the reference cases ({@code copy.json}, {@code cases.npy}), under the testbed folder. */
    public static final String DIR = "copy";

    private final double tau;
    private final int size;
    private final double[][] train;
    private final int[] items;
    private final NormalisedRmsDistance measure;

    private CopyJudge(double tau, int channels, double[][] trainUnit, int[] items) {
        if (!(tau > 0) || !Double.isFinite(tau)) {
            throw new IllegalArgumentException("TAU must be a positive number, got " + tau);
        }
        this.tau = tau;
        this.measure = new NormalisedRmsDistance(channels);
        this.train = new double[trainUnit.length][];
        for (int i = 0; i < trainUnit.length; i++) {
            train[i] = measure.standardiseUnit(trainUnit[i]);
        }
        this.items = items.clone();
        this.size = trainUnit.length == 0 ? 0 : trainUnit[0].length;
    }

    /** Judges against every training image of {@code images} (pixels already in [-1, 1]). */
    public static CopyJudge of(TestbedImages images, double tau) {
        int n = images.trainingCount();
        int per = images.dim();
        double[][] unit = new double[n][per];
        float[] v = images.training();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < per; j++) {
                // back to the 8-bit value, then to [-1, 1] in float64 as labels.py does (the sheet's floats are
                // float32 roundings of the same value)
                unit[i][j] = Math.rint((v[i * per + j] + 1.0) * 127.5) / 127.5 - 1.0;
            }
        }
        return new CopyJudge(tau, 3, unit, images.trainItem());
    }

    public double tau() {
        return tau;
    }

    public ImageDistance distance() {
        return measure;
    }

    public int trainingImages() {
        return train.length;
    }

    /** Judges one generation ({@code [C, H, W]} flattened, model units in [-1, 1]). */
    public CopyVerdict judge(float[] image) {
        if (image.length != size) {
            throw new IllegalArgumentException("generation of " + image.length + " values; training images have "
                    + size);
        }
        double[] z = measure.standardise(image);
        int best = -1;
        double bestD = Double.POSITIVE_INFINITY;
        for (int i = 0; i < train.length; i++) {
            double d = NormalisedRmsDistance.rms(z, train[i]);
            if (d < bestD) {
                bestD = d;
                best = i;
            }
        }
        return new CopyVerdict(best, items[best], bestD, bestD < tau);
    }

    /**
     * The labels' rule for one generation of a caption whose own image is item {@code item} (labels.py): it copies
     * when its nearest training image is that item's image and lies within TAU. A copy of another training image
     * does not count.
     */
    public boolean copiesItem(float[] image, int item) {
        if (item < 0) {
            throw new IllegalArgumentException("item id must be >= 0 (a trained item), got " + item);
        }
        CopyVerdict v = judge(image);
        return v.copies() && v.item() == item;
    }

    /** The labels' caption rule: memorized when at least half of its generations copy its own item image. */
    public static boolean memorized(int copies, int generations) {
        if (generations < 1 || copies < 0 || copies > generations) {
            throw new IllegalArgumentException("need 0 <= copies <= generations and generations >= 1, got " + copies
                    + " of " + generations);
        }
        return 2 * copies >= generations;
    }
}
