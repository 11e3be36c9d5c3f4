package dev.memscope.kernels;

import dev.memscope.cli.MemScope;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** KernelOp is the one description of each op: traffic and help text come from it. */
class KernelOpTest {

    @Test
    void trafficCountsEveryInputReadOnceAndAnElementwiseResultWrittenOnce() {
        assertThat(KernelOp.AMG.tensorsRead()).isEqualTo(4);
        assertThat(KernelOp.AMG.tensorsWritten()).isEqualTo(1);
        assertThat(KernelOp.DIFF_NORM.tensorsWritten()).isZero();
        // cfg on 2 samples of 10 floats: (2 read + 1 written) x 2 x 10 x 4 bytes
        assertThat(KernelOp.CFG.compulsoryBytes(2, 10)).isEqualTo(240);
        assertThatThrownBy(() -> KernelOp.MSE.compulsoryBytes(0, 10)).hasMessageContaining("batch");
    }

    @Test
    void perSampleParametersAreMarkedInTheDescription() {
        assertThat(KernelOp.CFG.perSampleParams()).containsExactly("scale");
        assertThat(KernelOp.AMG.perSampleParams()).containsExactlyInAnyOrder("s1", "s2", "c3");
        assertThat(KernelOp.AMG.paramNames()).contains("s0", "abar_t", "t").doesNotContain("s1*");
    }

    @Test
    void theKernelCommandsHelpListsEveryOpFromItsDescription() {
        StringWriter out = new StringWriter();
        var cl = MemScope.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.execute("kernel", "--help");
        String help = out.toString();
        assertThat(help).doesNotContain("<ops>");
        String flat = help.replaceAll("\\s+", " ");
        for (KernelOp op : KernelOp.values()) {
            assertThat(flat).contains(op.helpLine().strip().replaceAll("\\s+", " "));
        }
        // wrapped within the text column, never back to the left margin
        assertThat(help.lines().filter(l -> l.startsWith("eps_") || l.startsWith("cond-"))).isEmpty();
        assertThat(help).contains("amg eps_u eps_c [eps_n] [g]");
    }
}
