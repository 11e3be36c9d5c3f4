package dev.memscope.source;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * The testbed's real images ({@code models/testbed/images/}, written by scripts/metrics/export_images.py):
 * {@code training.png} holds every unique training image (concept images, then the trained items), {@code
 * heldout.png} the held-out items, both as 16x16 tiles in rows of {@value #COLUMNS}; {@code images.csv} says what
 * each tile is. Pixels are returned as {@code [C=3, H, W]} float32 rows in [-1, 1] ({@code u / 127.5 - 1}, the
 * scale of the model's samples).
 *
 * @param training      unique training images, row-major {@code [N, 3*H*W]}
 * @param trainCaptions per training image, its first caption (AMG's deduplication caption)
 * @param trainItem     per training image, its item id, or -1 for a concept image
 * @param heldout       held-out item images {@code [M, 3*H*W]}
 * @param heldoutItem   per held-out image, its item id
 * @param heldoutCaptions per held-out image, its caption
 * @param side          the tile side H = W
 * @param trainCopies   per training image, how many times it was in the training data ({@code copies} column)
 * @param trainCaptionCycles per training image, every caption its copies carried, in turn
 */
public record TestbedImages(float[] training, List<String> trainCaptions, int[] trainItem, float[] heldout,
                            int[] heldoutItem, List<String> heldoutCaptions, int side, int[] trainCopies,
                            List<List<String>> trainCaptionCycles) {
    public static final String DIR = "images";
    static final int COLUMNS = 100;
    static final List<String> HEADER = List.of("file", "index", "kind", "item", "role", "copies", "captions");

    public int dim() {
        return 3 * side * side;
    }

    public int trainingCount() {
        return trainItem.length;
    }

    /** AMG's training set: the unique images, first captions, copy counts and caption cycles. */
    public dev.memscope.mitigate.TrainingImages trainingImages() {
        return new dev.memscope.mitigate.TrainingImages(training, dim(), trainCaptions, trainCopies,
                trainCaptionCycles);
    }

    /** Index into {@link #training} of each trained item's image, by item id. */
    public Map<Integer, Integer> trainingIndexOfItem() {
        Map<Integer, Integer> m = new HashMap<>();
        for (int i = 0; i < trainItem.length; i++) {
            if (trainItem[i] >= 0) {
                m.put(trainItem[i], i);
            }
        }
        return m;
    }

    /** One image (D floats) of an image array. */
    public float[] image(float[] images, int index) {
        return Arrays.copyOfRange(images, index * dim(), (index + 1) * dim());
    }

    /** Reads {@code dir/images.csv} and its two sheets; errors name the file and the line or tile. */
    public static TestbedImages read(Path dir, int side) throws IOException {
        Path csv = dir.resolve("images.csv");
        List<List<String>> rows = CsvRecords.read(csv);
        if (rows.isEmpty() || !rows.get(0).equals(HEADER)) {
            throw new IllegalArgumentException(csv + ":1: header must be " + String.join(",", HEADER));
        }
        Map<String, BufferedImage> sheets = new HashMap<>();
        List<float[]> train = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        List<Integer> trainItems = new ArrayList<>();
        List<Integer> copies = new ArrayList<>();
        List<List<String>> cycles = new ArrayList<>();
        List<float[]> held = new ArrayList<>();
        List<Integer> heldItems = new ArrayList<>();
        List<String> heldCaptions = new ArrayList<>();
        for (int r = 1; r < rows.size(); r++) {
            List<String> f = rows.get(r);
            String at = csv + ": row " + r + ": ";
            if (f.size() != HEADER.size()) {
                throw new IllegalArgumentException(at + f.size() + " fields, the header has " + HEADER.size());
            }
            String file = f.get(0);
            if (!file.equals("training.png") && !file.equals("heldout.png")) {
                throw new IllegalArgumentException(at + "file must be training.png or heldout.png, got " + file);
            }
            int index;
            int item;
            int copyCount;
            try {
                index = Integer.parseInt(f.get(1));
                item = Integer.parseInt(f.get(3));
                copyCount = Integer.parseInt(f.get(5));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(at + "index, item and copies must be integers, got '" + f.get(1)
                        + "', '" + f.get(3) + "', '" + f.get(5) + "'");
            }
            boolean training = file.equals("training.png");
            int expected = training ? train.size() : held.size();
            if (index != expected) {
                throw new IllegalArgumentException(at + "tile index " + index + " out of order (expected " + expected
                        + ")");
            }
            BufferedImage sheet = sheets.get(file);
            if (sheet == null) {
                Path png = dir.resolve(file);
                sheet = ImageIO.read(png.toFile());
                if (sheet == null) {
                    throw new IllegalArgumentException(png + ": not a readable PNG");
                }
                sheets.put(file, sheet);
            }
            float[] img = tile(sheet, index, side, dir.resolve(file));
            List<String> all = List.of(f.get(6).split(" \\| "));
            String caption = all.get(0);
            if (training) {
                if (copyCount < 1) {
                    throw new IllegalArgumentException(at + "a training image has copies >= 1, got " + copyCount);
                }
                train.add(img);
                captions.add(caption);
                trainItems.add(item);
                copies.add(copyCount);
                cycles.add(all);
            } else {
                held.add(img);
                heldItems.add(item);
                heldCaptions.add(caption);
            }
        }
        if (train.isEmpty() || held.isEmpty()) {
            throw new IllegalArgumentException(csv + ": " + train.size() + " training and " + held.size()
                    + " held-out images; both are needed");
        }
        return new TestbedImages(flatten(train), List.copyOf(captions),
                trainItems.stream().mapToInt(Integer::intValue).toArray(), flatten(held),
                heldItems.stream().mapToInt(Integer::intValue).toArray(), List.copyOf(heldCaptions), side,
                copies.stream().mapToInt(Integer::intValue).toArray(), List.copyOf(cycles));
    }

    private static float[] tile(BufferedImage sheet, int index, int side, Path file) {
        int x0 = (index % COLUMNS) * side;
        int y0 = (index / COLUMNS) * side;
        if (x0 + side > sheet.getWidth() || y0 + side > sheet.getHeight()) {
            throw new IllegalArgumentException(file + ": tile " + index + " lies outside the " + sheet.getWidth() + "x"
                    + sheet.getHeight() + " sheet");
        }
        float[] out = new float[3 * side * side];
        int plane = side * side;
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                int rgb = sheet.getRGB(x0 + x, y0 + y);
                out[y * side + x] = ((rgb >> 16) & 0xff) / 127.5f - 1f;
                out[plane + y * side + x] = ((rgb >> 8) & 0xff) / 127.5f - 1f;
                out[2 * plane + y * side + x] = (rgb & 0xff) / 127.5f - 1f;
            }
        }
        return out;
    }

    private static float[] flatten(List<float[]> rows) {
        int d = rows.get(0).length;
        float[] out = new float[rows.size() * d];
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i), 0, out, i * d, d);
        }
        return out;
    }
}
