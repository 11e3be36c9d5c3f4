package dev.memscope.bench;

import dev.memscope.kernels.KernelOp;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Compulsory bytes worked by hand, from KernelOp, the one description of each op. */
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
    void theTableIsKernelOpsDescriptionAsBenchmarked() {
        // hand-worked from each op's inputs: reductions read 2 tensors, elementwise ops also write 1
        assertThat(Traffic.OPS).containsEntry("diffNorm", new Traffic.Tensors(2, 0))
                .containsEntry("guidanceAlignment", new Traffic.Tensors(2, 0))
                .containsEntry("mse", new Traffic.Tensors(2, 0))
                .containsEntry("ddimStep", new Traffic.Tensors(2, 1))
                .containsEntry("convert", new Traffic.Tensors(2, 1))
                .containsEntry("amg", new Traffic.Tensors(4, 1))
                .hasSize(KernelOp.values().length);
    }

    @Test
    void noPythonMirrorOfTheTableIsLeft() {
        assertThat(Path.of("scripts/jmh_table.py")).doesNotExist();
    }
}
