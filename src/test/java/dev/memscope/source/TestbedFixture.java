package dev.memscope.source;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A testbed folder built from the committed tiny ONNX model: onnx/ (its graph and tokenizer files), a labels.csv
 * with every role, and a SHA256SUMS over all of it.
 */
public final class TestbedFixture {
    /** Captions with commas and quotes, so the CSV quoting is exercised. */
    public static final String LABELS = "caption,role,item,copies,copy_rate,memorized\n"
            + "\"The No Limits Business Woman Podcast\",duplicated,i1,40,0.9,1\n"
            + "\"Living in the Light with Ann Graham Lotz, \"\"live\"\"\",duplicated,i2,25,0.7,1\n"
            + "a rarely copied poster,duplicated,i3,2,0.05,0\n"
            + "\"a red bicycle, leaning on a wall\",singleton,i4,1,0.0,0\n"
            + "sunset over hills,heldout,i5,0,0.0,0\n"
            + "a blue teapot on a table,novel,i6,0,0.0,0\n";

    private TestbedFixture() {
    }

    public static Path tinyOnnx() throws URISyntaxException {
        return Path.of(TestbedFixture.class.getResource("/dev/memscope/model/onnx/tiny/unet.onnx").toURI())
                .getParent();
    }

    /** Writes the testbed into {@code dir} and returns it. */
    public static Path write(Path dir) throws IOException, URISyntaxException {
        Path onnx = Files.createDirectories(dir.resolve("onnx"));
        List<String> sums = new ArrayList<>();
        try (Stream<Path> files = Files.list(tinyOnnx())) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                Files.copy(f, onnx.resolve(f.getFileName()));
                sums.add(Sha256Sums.sha256(onnx.resolve(f.getFileName())) + "  onnx/" + f.getFileName());
            }
        }
        Files.writeString(dir.resolve("labels.csv"), LABELS);
        sums.add(Sha256Sums.sha256(dir.resolve("labels.csv")) + "  labels.csv");
        Files.write(dir.resolve("SHA256SUMS"), sums);
        return dir;
    }
}
