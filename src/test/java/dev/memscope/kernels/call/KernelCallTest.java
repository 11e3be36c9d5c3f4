package dev.memscope.kernels.call;

import dev.memscope.diffusion.NoiseSchedule;
import dev.memscope.kernels.KernelOp;
import dev.memscope.kernels.scalar.ScalarKernels;
import dev.memscope.tensor.Shape;
import dev.memscope.tensor.TensorF32;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Input binding, parameter parsing and the schedule behind {@code t=...}. */
class KernelCallTest {
    private static final TensorF32 X = TensorF32.gaussian(new Shape(2, 1, 2, 2), 1);

    private static KernelOp.Named<String> pos(String v) {
        return new KernelOp.Named<>(null, v);
    }

    @Test
    void positionalInputsFillTheSlotsNamedOnesLeave() {
        Map<String, String> m = KernelOp.AMG.bind(List.of(pos("u"), pos("c"), new KernelOp.Named<>("g", "G")));
        assertThat(m).containsExactly(Map.entry("eps_u", "u"), Map.entry("eps_c", "c"), Map.entry("g", "G"));
        // a name may come first; positions still follow formula order
        m = KernelOp.AMG.bind(List.of(new KernelOp.Named<>("eps_c", "c"), pos("u"), pos("n")));
        assertThat(m).containsExactly(Map.entry("eps_u", "u"), Map.entry("eps_c", "c"), Map.entry("eps_n", "n"));
    }

    @Test
    void bindingErrorsSayWhatTheOpTakes() {
        assertThatThrownBy(() -> KernelOp.AMG.bind(List.of(pos("u"), pos("c"), pos("n"), pos("g"), pos("x"))))
                .hasMessage("amg takes 2 to 4 inputs (eps_u, eps_c, [eps_n], [g]), got 5");
        assertThatThrownBy(() -> KernelOp.CFG.bind(List.of(new KernelOp.Named<>("eps_c", "c"), new KernelOp.Named<>("eps_c", "d"))))
                .hasMessage("cfg: input eps_c is given twice");
        assertThatThrownBy(() -> KernelOp.GUIDANCE_ALIGNMENT.bind(List.of(pos("c"))))
                .hasMessage("guidanceAlignment needs 2 inputs (eps_c, eps_u), got 1: missing eps_u");
    }

    @Test
    void perSampleParametersBroadcastOrMatchTheBatch() {
        KernelCall ok = KernelCall.of(KernelOp.CFG, Map.of("eps_u", X, "eps_c", X),
                KernelParams.parse("cfg", List.of("scale=7.5")));
        assertThat(ok.describeParams()).isEqualTo("scale=[7.5, 7.5]");
        assertThatThrownBy(() -> KernelCall.of(KernelOp.CFG, Map.of("eps_u", X, "eps_c", X),
                KernelParams.parse("cfg", List.of("scale=1,2,3")))).hasMessageContaining("3 values but the batch has 2");
        assertThatThrownBy(() -> KernelParams.parse("cfg", List.of("scale=1", "scale=2"))).hasMessage("cfg: parameter scale is given twice");
        assertThatThrownBy(() -> KernelCall.of(KernelOp.DDIM_STEP, Map.of("x_t", X, "eps", X),
                KernelParams.parse("ddimStep", List.of("t=981", "abar_t=0.5", "t_prev=961"))))
                .hasMessage("ddimStep: give abar_t or t, not both");
    }

    @Test
    void compulsoryTrafficCountsEveryInputAndTheResult() {
        KernelCall amg = KernelCall.of(KernelOp.AMG, Map.of("eps_u", X, "eps_c", X, "eps_n", X, "g", X),
                KernelParams.parse("amg", List.of("s0=1", "s1=0", "s2=0", "c3=0", "t=1")));
        assertThat(amg.compulsoryBytes()).isEqualTo(5L * 8 * 4);   // 4 inputs + 1 output of 8 floats
        KernelCall norm = KernelCall.of(KernelOp.DIFF_NORM, Map.of("a", X, "b", X), KernelParams.parse("d", List.of()));
        assertThat(norm.compulsoryBytes()).isEqualTo(2L * 8 * 4 + 2 * 4);
    }

    /** A timestep names the noise level of the sampler's schedule; an unknown one is a clear error. */
    @Test
    void timestepParamsUseTheSamplersSchedule() {
        NoiseSchedule sd = NoiseSchedule.stableDiffusion();
        KernelCall byTimestep = KernelCall.of(KernelOp.DDIM_STEP, Map.of("x_t", X, "eps", X),
                KernelParams.parse("ddimStep", List.of("t=981", "t_prev=961")));
        KernelCall byAbar = KernelCall.of(KernelOp.DDIM_STEP, Map.of("x_t", X, "eps", X), KernelParams.parse("ddimStep",
                List.of("abar_t=" + sd.alphabar(981), "abar_prev=" + sd.alphabar(961))));
        try (ScalarKernels k = new ScalarKernels()) {
            assertThat(byTimestep.run(k)).containsExactly(byAbar.run(k));
        }
        assertThatThrownBy(() -> KernelCall.of(KernelOp.DDIM_STEP, Map.of("x_t", X, "eps", X),
                KernelParams.parse("ddimStep", List.of("t=1000", "t_prev=961"))))
                .hasMessageContaining("parameter t").hasMessageContaining("outside");
    }
}
