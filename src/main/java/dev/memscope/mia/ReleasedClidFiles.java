package dev.memscope.mia;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds the 16 released CLiD-paper files (GitHub zhaisf/CLiD, {@code inter_output/}, as saved in
 * {@code <shared>/data/clid}) by their names: the attack by prefix ({@code Atk_Impt_} for CLiD, {@code PIA__},
 * {@code SecMI__}, {@code PFAMI__}), the model by tag ({@code _M_coco_real_split1_} shadow,
 * {@code _M_coco_real_ori_} target), membership by {@code TRTE_train} (member) or {@code TRTE_test} (hold-out).
 * A missing or doubled file is an error naming the folder and the pattern.
 */
public final class ReleasedClidFiles {
    /** The attacks with released files. */
    public enum Attack {
        CLID("Atk_Impt_"), PIA("PIA__"), SECMI("SecMI__"), PFAMI("PFAMI__");

        final String prefix;

        Attack(String prefix) {
            this.prefix = prefix;
        }
    }

    /** The four files of one attack. */
    public record Quad(Path shadowMembers, Path shadowHoldout, Path targetMembers, Path targetHoldout) {
    }

    private static final String SHADOW = "_M_coco_real_split1_";
    private static final String TARGET = "_M_coco_real_ori_";
    private static final String MEMBER = "TRTE_train";
    private static final String HOLDOUT = "TRTE_test";

    private final Path dir;
    private final List<String> names;

    private ReleasedClidFiles(Path dir, List<String> names) {
        this.dir = dir;
        this.names = names;
    }

    public static ReleasedClidFiles in(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + ": no such folder (the released CLiD files, e.g. ../shared/data/clid)");
        }
        List<String> names = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(Files::isRegularFile).forEach(p -> names.add(p.getFileName().toString()));
        }
        names.sort(null);
        return new ReleasedClidFiles(dir, names);
    }

    public Path dir() {
        return dir;
    }

    public Quad files(Attack attack) throws IOException {
        return new Quad(find(attack, SHADOW, MEMBER), find(attack, SHADOW, HOLDOUT),
                find(attack, TARGET, MEMBER), find(attack, TARGET, HOLDOUT));
    }

    private Path find(Attack attack, String model, String role) throws IOException {
        List<String> hits = new ArrayList<>();
        for (String n : names) {
            if (n.startsWith(attack.prefix) && n.contains(model) && n.contains(role) && n.endsWith(".txt")) {
                hits.add(n);
            }
        }
        String pattern = attack.prefix + "*" + model + "*" + role + "*.txt";
        if (hits.isEmpty()) {
            throw new IOException(dir + ": no file matches " + pattern);
        }
        if (hits.size() > 1) {
            throw new IOException(dir + ": " + hits.size() + " files match " + pattern + ": " + hits);
        }
        return dir.resolve(hits.get(0));
    }
}
