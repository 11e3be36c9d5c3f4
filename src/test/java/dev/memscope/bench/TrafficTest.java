package dev.memscope.bench;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Compulsory bytes worked by hand, and the Python summary script kept in step with the Java table. */
class TrafficTest {

    @Test
    void bytesPerCallAreTensorsTimesBatchTimesLatentFloats() {
        // diffNorm reads a and b: 2 x 64 x (4 x 64 x 64) floats x 4 bytes = 8 MiB.
        assertThat(Traffic.bytesPerCall("diffNorm", 64)).isEqualTo(8L * 1024 * 1024);
        // amg reads 4 tensors and writes 1: 5 x 16384 x 4 bytes per sample.
        assertThat(Traffic.bytesPerCall("amg", 1)).isEqualTo(5L * 16384 * 4);
        assertThat(Traffic.bytesPerCall("cfg", 256)).isEqualTo(3L * 256 * 16384 * 4);
        assertThatThrownBy(() -> Traffic.bytesPerCall("fft", 1)).hasMessageContaining("unknown op 'fft'");
        assertThatThrownBy(() -> Traffic.bytesPerCall("mse", 0)).hasMessageContaining("batch");
    }

    @Test
    void methodsMapToOps() {
        assertThat(Traffic.opOf("guidanceAlignment")).contains("guidanceAlignment");
        assertThat(Traffic.opOf("guidanceAlignmentNd4jFloat32")).contains("guidanceAlignment");
        assertThat(Traffic.opOf("cfgResident")).contains("cfg");
        assertThat(Traffic.opOf("forward")).isEmpty();
    }

    @Test
    void theJmhTableScriptHasTheSameTable() throws IOException {
        String script = Files.readString(Path.of("scripts/jmh_table.py"));
        Matcher m = Pattern.compile("\"(\\w+)\": \\((\\d+), (\\d+)\\),").matcher(
                script.substring(script.indexOf("TRAFFIC = {"), script.indexOf("}", script.indexOf("TRAFFIC = {"))));
        Map<String, Traffic.Tensors> python = new HashMap<>();
        while (m.find()) {
            python.put(m.group(1), new Traffic.Tensors(Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))));
        }
        assertThat(python).isEqualTo(Traffic.OPS);
        assertThat(script).contains("CHW = 4 * 64 * 64").contains("dev/memscope/bench/Traffic.java");
    }
}
