package dev.memscope.kernels;

import dev.memscope.tensor.Shape;
import dev.memscope.tensor.TensorF32;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static dev.memscope.kernels.KernelTolerances.ELEMENTWISE;

/**
 * The DDIM step and the eps / v / x0 conversions against their definitions, not against another implementation.
 * Every backend (the nd4j reference included) takes its coefficients from {@link Conversion} and
 * {@link CheckedKernels}, so the property tests cannot see a wrong coefficient; this test can. Oracle: pick x0 and
 * eps, form {@code x_t = sqrt(abar) x0 + sqrt(1 - abar) eps} and {@code v = sqrt(abar) eps - sqrt(1 - abar) x0} in
 * float64 (the definitions in {@link Conversion}'s comment), and require each conversion to give back the quantity
 * it names, and the DDIM step {@code sqrt(abar_prev) x0 + sqrt(1 - abar_prev) eps}.
 */
class DiffusionFormulaTest {

    private static final Shape SHAPE = new Shape(3, 4, 9, 7);
    private static final double[] ABARS = {0.0047, 0.3, 0.5, 0.9, 0.9991, 1.0};

    static List<String> backends() {
        return TestBackends.all();
    }

    private static TensorF32 combine(double a, TensorF32 x, double b, TensorF32 y) {
        TensorF32 t = TensorF32.zeros(x.shape());
        for (int i = 0; i < t.data().length; i++) {
            t.data()[i] = (float) (a * x.data()[i] + b * y.data()[i]);
        }
        return t;
    }

    private static double[] exact(double a, TensorF32 x, double b, TensorF32 y) {
        double[] d = new double[x.data().length];
        for (int i = 0; i < d.length; i++) {
            d[i] = a * x.data()[i] + b * y.data()[i];
        }
        return d;
    }

    /**
     * Tolerance scale: x_t and v reach the kernel rounded to float32 and are divided by sqrt(abar) or
     * sqrt(1 - abar), so the error is relative to (|x_t| + |in|) / min(sqrt(abar), sqrt(1 - abar)).
     */
    private static double[] terms(TensorF32 xt, TensorF32 in, double abar) {
        double gain = 1 / (abar < 1 ? Math.min(Math.sqrt(abar), Math.sqrt(1 - abar)) : Math.sqrt(abar));
        double[] t = new double[xt.data().length];
        for (int i = 0; i < t.length; i++) {
            t[i] = gain * (Math.abs(xt.data()[i]) + Math.abs(in.data()[i]));
        }
        return t;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void conversionsInvertTheDefinitions(String backend) {
        TensorF32 x0 = TensorF32.gaussian(SHAPE, 31);
        TensorF32 eps = TensorF32.gaussian(SHAPE, 32);
        try (ScoreKernels k = Backends.create(backend)) {
            for (double abar : ABARS) {
                double sa = Math.sqrt(abar);
                double sn = Math.sqrt(1 - abar);
                TensorF32 xt = combine(sa, x0, sn, eps);
                TensorF32 v = combine(sa, eps, -sn, x0);
                double[] vExact = exact(sa, eps, -sn, x0);
                check(k, Conversion.EPS_TO_X0, xt, eps, abar, Terms.widen(x0.data()));
                check(k, Conversion.V_TO_EPS, xt, v, abar, Terms.widen(eps.data()));
                check(k, Conversion.V_TO_X0, xt, v, abar, Terms.widen(x0.data()));
                check(k, Conversion.EPS_TO_V, xt, eps, abar, vExact);
                if (abar < 1) {
                    check(k, Conversion.X0_TO_EPS, xt, x0, abar, Terms.widen(eps.data()));
                }
            }
        }
    }

    private static void check(ScoreKernels k, Conversion c, TensorF32 xt, TensorF32 in, double abar, double[] want) {
        TensorF32 out = TensorF32.zeros(SHAPE);
        k.convert(c, xt, in, abar, out);
        OracleCheck.assertElementwise(k.name() + " " + c + " at abar " + abar, ELEMENTWISE, SHAPE, want, out.data(),
                terms(xt, in, abar));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void ddimStepMovesTheSameX0AndEpsToTheNextNoiseLevel(String backend) {
        TensorF32 x0 = TensorF32.gaussian(SHAPE, 33);
        TensorF32 eps = TensorF32.gaussian(SHAPE, 34);
        try (ScoreKernels k = Backends.create(backend)) {
            for (double abarT : new double[] {0.0047, 0.3, 0.9, 0.9991}) {
                TensorF32 xt = combine(Math.sqrt(abarT), x0, Math.sqrt(1 - abarT), eps);
                for (double abarPrev : new double[] {abarT, Math.min(1, abarT * 1.5), 0.99, 1.0}) {
                    TensorF32 out = TensorF32.zeros(SHAPE);
                    k.ddimStep(xt, eps, abarT, abarPrev, out);
                    double[] want = exact(Math.sqrt(abarPrev), x0, Math.sqrt(1 - abarPrev), eps);
                    OracleCheck.assertElementwise(backend + " ddimStep " + abarT + " -> " + abarPrev, ELEMENTWISE,
                            SHAPE, want, out.data(), terms(xt, eps, abarT));
                }
            }
        }
    }
}
