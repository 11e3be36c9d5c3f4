package dev.memscope.copy;

import dev.memscope.tensor.Npy;
import dev.memscope.tensor.NpyArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The testbed's copy judgement (docs/testbed.md, "The copy measure"): a generation copies when its nearest training
 * image under {@link NormalisedRmsDistance} is closer than TAU = 0.355, and then it copies that image (an item, or
 * a concept image). The training images come from {@code models/testbed/copy/} (scripts/testbed/copy_reference.py
 * renders them exactly as labels.py does); CopyJudgeTest pins this class to NumPy on that script's cases.
 */
public final class CopyJudge {
    public static final String DIR = "copy";
    public static final String IMAGES = "train_images.npy";
    public static final String ITEMS = "train_items.npy";

    private final double tau;
    private final int channels;
    private final int size;
    private final double[][] train;
    private final int[] items;
    private final NormalisedRmsDistance measure;

    CopyJudge(double tau, int channels, double[][] trainUnit, int[] items) {
        if (!(tau > 0) || !Double.isFinite(tau)) {
            throw new IllegalArgumentException("TAU must be a positive number, got " + tau);
        }
        this.tau = tau;
        this.channels = channels;
        this.measure = new NormalisedRmsDistance(channels);
        this.train = new double[trainUnit.length][];
        for (int i = 0; i < trainUnit.length; i++) {
            train[i] = measure.standardiseUnit(trainUnit[i].clone());
        }
        this.items = items.clone();
        this.size = trainUnit.length == 0 ? 0 : trainUnit[0].length;
    }

    /**
     * Reads {@code DIR/train_images.npy} (uint8 [N, C, H, W]) and {@code DIR/train_items.npy} (int32 [N]); errors
     * name the file and what is wrong.
     */
    public static CopyJudge open(Path dir, double tau) throws IOException {
        Path imgFile = dir.resolve(IMAGES);
        Path itemFile = dir.resolve(ITEMS);
        for (Path f : new Path[] {imgFile, itemFile}) {
            if (!Files.isRegularFile(f)) {
                throw new IllegalArgumentException(f + ": missing (made by scripts/testbed/copy_reference.py)");
            }
        }
        NpyArray img = Npy.read(imgFile);
        NpyArray it = Npy.read(itemFile);
        if (img.shape().length != 4) {
            throw new IllegalArgumentException(imgFile + ": shape " + img.shapeString() + ", expected [N, C, H, W]");
        }
        int n = img.shape()[0];
        if (it.shape().length != 1 || it.shape()[0] != n) {
            throw new IllegalArgumentException(itemFile + ": shape " + it.shapeString() + ", expected [" + n + "]");
        }
        int per = img.shape()[1] * img.shape()[2] * img.shape()[3];
        double[][] unit = new double[n][per];
        double[] v = img.values();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < per; j++) {
                unit[i][j] = v[i * per + j] / 127.5 - 1.0;
            }
        }
        int[] items = new int[n];
        for (int i = 0; i < n; i++) {
            items[i] = (int) it.values()[i];
        }
        return new CopyJudge(tau, img.shape()[1], unit, items);
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
}
