package dev.memscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.memscope.kernels.cpu.VectorGemm;
import dev.memscope.model.Condition;
import dev.memscope.model.lab.LabConfig;
import dev.memscope.model.lab.LabDenoiser;
import dev.memscope.model.lab.LabWorld;
import dev.memscope.tensor.Npy;
import dev.memscope.tensor.NpyArray;
import dev.memscope.tensor.Shape;
import dev.memscope.tensor.TensorF32;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabCommandTest {
    @TempDir
    Path dir;

    private static final String[] SMALL = {"--set", "memLimit=3", "--set", "nmemLimit=3", "--set", "genericComponents=5",
        "--set", "channels=2", "--set", "height=4", "--set", "width=4", "--set", "embeddingDim=32"};

    private static String[] args(String[] head, String... tail) {
        String[] all = Arrays.copyOf(head, head.length + SMALL.length + tail.length);
        System.arraycopy(SMALL, 0, all, head.length, SMALL.length);
        System.arraycopy(tail, 0, all, head.length + SMALL.length, tail.length);
        return all;
    }

    @Test
    void exportWritesTheWorld() throws Exception {
        Path out = dir.resolve("world");
        int rc = MemScope.commandLine().execute(args(new String[] {"lab", "export"}, "--out", out.toString()));
        assertThat(rc).isZero();
        NpyArray mu = Npy.read(out.resolve("mu.npy"));
        assertThat(mu.shape()).containsExactly(11, 2, 4, 4);
        assertThat(Npy.read(out.resolve("sigma2.npy")).shape()).containsExactly(11);
        assertThat(Npy.read(out.resolve("counts.npy")).shape()).containsExactly(11);
        assertThat(Npy.read(out.resolve("emb.npy")).shape()).containsExactly(11, 32);
        JsonNode json = new ObjectMapper().readTree(out.resolve("world.json").toFile());
        assertThat(json.get("prediction_type").asText()).isEqualTo("epsilon");
        assertThat(json.get("captions")).hasSize(11);
        assertThat(json.get("config").get("memLimit").asInt()).isEqualTo(3);
        try (var files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void epsCommandEvaluatesTheModel() throws Exception {
        TensorF32 x = TensorF32.gaussian(new Shape(3, 2, 4, 4), 1);
        Path xf = dir.resolve("x.npy");
        Npy.write(xf, x);
        Path eps = dir.resolve("eps.npy");
        String prompt = "Mothers influence on her young hippo";
        int rc = MemScope.commandLine().execute(args(new String[] {"lab", "eps", "--backend", "cpu"}, "--x", xf.toString(), "--t", "41",
                "--prompt", prompt, "--out", eps.toString()));
        assertThat(rc).isZero();
        LabConfig cfg = LabConfig.defaults().withAssignments(java.util.List.of("memLimit=3", "nmemLimit=3",
                "genericComponents=5", "channels=2", "height=4", "width=4", "embeddingDim=32"));
        TensorF32 want = TensorF32.zeros(x.shape());
        try (LabDenoiser m = new LabDenoiser(LabWorld.build(cfg), new VectorGemm(1))) {
            Condition c = m.condition(prompt);
            m.predict(x, 41, new Condition[] {c, c, c}, want);
        }
        assertThat(Npy.readTensor(eps).data()).isEqualTo(want.data());
        int bad = MemScope.commandLine().execute(args(new String[] {"lab", "eps", "--backend", "cpu"}, "--x", xf.toString(), "--t", "41",
                "--prompt", prompt, "--null", "--out", eps.toString()));
        assertThat(bad).isNotZero();
    }

    @Test
    void sampleCommandWritesOneImagePerSeed() throws Exception {
        Path out = dir.resolve("s.npy");
        int rc = MemScope.commandLine().execute(args(new String[] {"lab", "sample", "--backend", "cpu"}, "--prompt", "a hippo",
                "--seeds", "2", "--steps", "10", "--out", out.toString()));
        assertThat(rc).isZero();
        assertThat(Npy.read(out).shape()).containsExactly(2, 2, 4, 4);
    }
}
