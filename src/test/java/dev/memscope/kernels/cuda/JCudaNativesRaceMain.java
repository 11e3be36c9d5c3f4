package dev.memscope.kernels.cuda;

/** Child JVM of {@link JCudaNativesTest}: places JCuda's driver library as a real start-up would. */
public final class JCudaNativesRaceMain {
    private JCudaNativesRaceMain() {
    }

    public static void main(String[] args) throws Exception {
        JCudaNatives.prepare();
        System.out.println("prepared");
    }
}
