package dev.memscope.cli;

import dev.memscope.diffusion.DdimSampler;
import dev.memscope.diffusion.NoiseSchedule;
import dev.memscope.diffusion.StepHook;
import dev.memscope.io.OutputFolder;
import dev.memscope.io.OutputPaths;
import dev.memscope.kernels.Backends;
import dev.memscope.kernels.Gemms;
import dev.memscope.kernels.ScoreKernels;
import dev.memscope.model.Condition;
import dev.memscope.model.lab.LabConfig;
import dev.memscope.model.lab.LabDenoiser;
import dev.memscope.model.lab.LabWorld;
import dev.memscope.model.lab.WorldExport;
import dev.memscope.tensor.Npy;
import dev.memscope.tensor.TensorF32;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code memscope lab ...}: the exact memorization lab (export the world, evaluate eps, sample). */
@Command(name = "lab", mixinStandardHelpOptions = true,
        description = "The memorization lab: an exact text-conditional diffusion model with known memorized prompts.",
        subcommands = {LabCommand.Export.class, LabCommand.Eps.class, LabCommand.Sample.class})
public final class LabCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /**
     * Options that define the lab world, shared by every lab subcommand and by the commands that take
     * {@code --model lab}. The kernel backend is not one of them ({@link BackendOption}).
     */
    public static final class WorldOptions {
        @Option(names = "--config", description = "JSON file of lab config keys (see docs/lab.md)")
        Path config;

        @Option(names = "--set", description = "override a config key, e.g. --set beta=10 (repeatable)")
        List<String> assignments = new ArrayList<>();

        @Option(names = "--mem", description = "memorized prompts file (default: sd1_mem.txt in the shared data)")
        String mem;

        @Option(names = "--nmem", description = "non-memorized prompts file (default: sd1_nmem.txt)")
        String nmem;

        /** The files the world is read from, which no output may replace. */
        Path[] inputs() {
            List<Path> in = new ArrayList<>();
            if (config != null) {
                in.add(config);
            }
            for (String p : new String[] {mem, nmem}) {
                if (p != null) {
                    in.add(Path.of(p));
                }
            }
            return in.toArray(Path[]::new);
        }

        /** Whether any world option was given (they are an error beside a model that is not the lab). */
        boolean isSet() {
            return config != null || !assignments.isEmpty() || mem != null || nmem != null;
        }

        LabConfig config() throws java.io.IOException {
            LabConfig c = config == null ? LabConfig.defaults() : LabConfig.read(config);
            c = c.withAssignments(assignments);
            if (mem != null) {
                c = c.with("memPrompts", mem);
            }
            if (nmem != null) {
                c = c.with("nmemPrompts", nmem);
            }
            return c;
        }

        LabDenoiser model(BackendOption backend) throws Exception {
            return new LabDenoiser(LabWorld.build(config()), Gemms.create(backend.resolved()));
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Write mu.npy, sigma2.npy, counts.npy, emb.npy and world.json to a directory.")
    static final class Export implements Callable<Integer> {
        @Mixin
        WorldOptions world = new WorldOptions();

        @Option(names = "--out", required = true, description = "output directory")
        Path out;

        @Override
        public Integer call() throws Exception {
            OutputPaths.requireFolder("--out", out, world.inputs());
            LabWorld w = LabWorld.build(world.config());
            OutputFolder.write(out, dir -> WorldExport.write(w, dir));
            System.out.println("wrote lab world (K = " + w.components() + ", " + w.channels() + "x" + w.height() + "x"
                    + w.width() + ", E = " + w.embeddingDim() + ") to " + out);
            return 0;
        }
    }

    static final class Cond {
        @Option(names = "--prompt", required = true, description = "condition on this prompt")
        String prompt;

        @Option(names = "--null", required = true, description = "the unconditional (empty prompt) condition")
        boolean nullCondition;
    }

    @Command(name = "eps", mixinStandardHelpOptions = true,
            description = "Evaluate the lab's exact eps on x [B,C,H,W] at timestep T.")
    static final class Eps implements Callable<Integer> {
        @Mixin
        WorldOptions world = new WorldOptions();

        @Mixin
        BackendOption backend = new BackendOption();

        @Option(names = "--x", required = true, description = "input latents, .npy [B,C,H,W]")
        Path x;

        @Option(names = "--t", required = true, description = "training timestep in [0, 999]")
        int t;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Cond cond;

        @Option(names = "--out", required = true, description = "output eps, .npy [B,C,H,W] float32")
        Path out;

        @Override
        public Integer call() throws Exception {
            OutputPaths.requireFile("--out", out, x);
            TensorF32 xt = Npy.readTensor(x);
            try (LabDenoiser model = world.model(backend)) {
                Condition c = cond.nullCondition ? Condition.NULL : model.condition(cond.prompt);
                Condition[] cs = new Condition[xt.batch()];
                Arrays.fill(cs, c);
                TensorF32 eps = TensorF32.zeros(xt.shape());
                model.predict(xt, t, cs, eps);
                Npy.write(out, eps);
            }
            System.out.println("wrote eps " + xt.shape() + " at t = " + t + " to " + out);
            return 0;
        }
    }

    @Command(name = "sample", mixinStandardHelpOptions = true,
            description = "DDIM-sample latents for a prompt (one image per seed) and write them as .npy [S,C,H,W].")
    static final class Sample implements Callable<Integer> {
        @Mixin
        WorldOptions world = new WorldOptions();

        @Mixin
        BackendOption backend = new BackendOption();

        @Option(names = "--prompt", required = true, description = "prompt (empty: unconditional)")
        String prompt;

        @Option(names = "--seeds", defaultValue = "4", description = "number of images (seeds 0..N-1 + --seed)")
        int seeds;

        @Option(names = "--seed", defaultValue = "0", description = "first seed")
        long seed;

        @Option(names = "--steps", defaultValue = "50", description = "DDIM steps")
        int steps;

        @Option(names = "--guidance", defaultValue = "7.5", description = "classifier-free guidance scale")
        double guidance;

        @Option(names = "--out", required = true, description = "output .npy")
        Path out;

        @Override
        public Integer call() throws Exception {
            if (seeds < 1) {
                throw new IllegalArgumentException("--seeds must be >= 1, got " + seeds);
            }
            OutputPaths.requireFile("--out", out, world.inputs());
            try (LabDenoiser model = world.model(backend); ScoreKernels k = Backends.create(backend.resolved())) {
                long[] s = new long[seeds];
                for (int i = 0; i < seeds; i++) {
                    s[i] = seed + i;
                }
                Condition c = model.condition(prompt);
                Condition[] cs = new Condition[seeds];
                Arrays.fill(cs, c);
                TensorF32 x0 = new DdimSampler(model, k).sample(
                        DdimSampler.initialNoise(model.channels(), model.height(), model.width(), s), cs, guidance,
                        steps, StepHook.NONE);
                Npy.write(out, x0);
            }
            System.out.println("wrote " + seeds + " samples to " + out + " (" + steps + " DDIM steps from t = "
                    + NoiseSchedule.stableDiffusion().ddimTimesteps(steps)[0] + ", guidance " + guidance + ")");
            return 0;
        }
    }
}
