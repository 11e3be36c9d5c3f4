package dev.memscope.scan;

import dev.memscope.detect.Detector;
import dev.memscope.io.Installation;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Starts Spark for a scan: {@code local[*]} by default (nothing to install), or any master URL. The UI is off (no
 * port to bind for a batch job). On a cluster, executors get the scan and core jars ({@code spark.jars}), the Vector
 * API module (the core's kernels need it; Spark adds its own --add-opens) and the installation folder, so that
 * {@code --model lab} finds the shared prompt lists as on the driver.
 */
public final class SparkContexts {
    private SparkContexts() {
    }

    public static SparkSession start(String master, Map<String, String> extra) {
        SparkConf conf = new SparkConf()
                .setAppName("memscope scan")
                .setMaster(master)
                .set("spark.ui.enabled", "false")
                .set("spark.ui.showConsoleProgress", "false");
        if (master.startsWith("local")) {
            // one JVM: nothing needs to reach the driver from outside, so no lookup of this host's name
            conf.set("spark.driver.bindAddress", "127.0.0.1").set("spark.driver.host", "127.0.0.1");
        } else {
            conf.set("spark.jars", String.join(",", appJars()));
            StringBuilder opts = new StringBuilder("--add-modules jdk.incubator.vector");
            opts.append(" -Dmemscope.home=").append(Installation.home());
            String shared = System.getProperty("memscope.shared");
            if (shared != null) {
                opts.append(" -Dmemscope.shared=").append(Path.of(shared).toAbsolutePath());
            }
            conf.set("spark.executor.extraJavaOptions", opts.toString());
        }
        extra.forEach(conf::set);
        return SparkSession.builder().config(conf).getOrCreate();
    }

    public static JavaSparkContext java(SparkSession s) {
        return JavaSparkContext.fromSparkContext(s.sparkContext());
    }

    /** The jars holding the scan module and the core (from where their classes were loaded). */
    static List<String> appJars() {
        List<String> jars = new ArrayList<>();
        for (Class<?> c : new Class<?>[] {ScanRunner.class, Detector.class}) {
            try {
                Path p = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
                jars.add(p.toAbsolutePath().toString());
            } catch (URISyntaxException | NullPointerException e) {
                throw new IllegalStateException("cannot tell which jar holds " + c.getName() + " (" + e + ")");
            }
        }
        return jars;
    }
}
