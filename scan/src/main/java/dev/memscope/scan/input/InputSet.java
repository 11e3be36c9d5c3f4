package dev.memscope.scan.input;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The files a scan reads, in a fixed order (each {@code --input} in the order given; inside a folder, every
 * .txt/.jsonl/.ndjson/.csv/.parquet file below it sorted by path, hidden files and Spark's {@code _} files skipped),
 * which fixes every row's id. {@link #rows()} streams them.
 */
public final class InputSet {
    /** One input file with what the manifest records to tell a rerun on changed inputs. */
    public record InputFile(Path path, InputFormat format, long bytes, long modifiedMillis) {
    }

    private final List<InputFile> files;
    private final List<String> columns;

    private InputSet(List<InputFile> files, List<String> columns) {
        this.files = List.copyOf(files);
        this.columns = List.copyOf(columns);
    }

    /** @param columns the caption column, or the defaults {@code caption, TEXT} (the first present is used) */
    public static InputSet of(List<Path> inputs, List<String> columns) throws IOException {
        if (inputs == null || inputs.isEmpty()) {
            throw new IllegalArgumentException("--input: name at least one file or folder");
        }
        List<InputFile> out = new ArrayList<>();
        for (Path in : inputs) {
            if (Files.isDirectory(in)) {
                List<Path> found;
                try (Stream<Path> s = Files.walk(in)) {
                    found = s.filter(Files::isRegularFile)
                            .filter(p -> !hidden(in, p))
                            .filter(p -> InputFormat.of(p) != null)
                            .sorted().toList();
                }
                if (found.isEmpty()) {
                    throw new IllegalArgumentException("--input " + in + ": the folder holds no .txt, .jsonl, "
                            + ".csv or .parquet file");
                }
                for (Path p : found) {
                    out.add(describe(p));
                }
            } else if (Files.isRegularFile(in)) {
                if (InputFormat.of(in) == null) {
                    throw new IllegalArgumentException("--input " + in + ": unknown format (name it .txt, .jsonl, "
                            + ".csv or .parquet)");
                }
                out.add(describe(in));
            } else if (Files.exists(in)) {
                throw new IllegalArgumentException("--input " + in + ": not a regular file or folder");
            } else {
                throw new NoSuchFileException(in.toString(), null, "--input");
            }
        }
        return new InputSet(out, columns);
    }

    private static boolean hidden(Path root, Path p) {
        for (Path part : root.relativize(p)) {
            String n = part.toString();
            if (n.startsWith(".") || n.startsWith("_")) {
                return true;
            }
        }
        return false;
    }

    private static InputFile describe(Path p) throws IOException {
        Path abs = p.toAbsolutePath().normalize();
        return new InputFile(abs, InputFormat.of(p), Files.size(abs), Files.getLastModifiedTime(abs).toMillis());
    }

    public List<InputFile> files() {
        return files;
    }

    public List<String> columns() {
        return columns;
    }

    /**
     * Every row, in order (a cheap pre-pass for the progress ETA; Parquet from its footers, the others by reading):
     * reads what {@link #rows()} would, without checking.
     */
    public long countRows() throws IOException {
        long n = 0;
        for (InputFile f : files) {
            if (f.format() == InputFormat.PARQUET) {
                n += ParquetRecords.countRows(f.path());
                continue;
            }
            try (RecordReader r = open(f)) {
                while (r.next() != null) {
                    n++;
                }
            }
        }
        return n;
    }

    /** A fresh stream of every row, checked: each a {@link CaptionRow} or a {@link Reject}. */
    public InputRows rows() {
        return new InputRows(this);
    }

    RecordReader open(InputFile f) throws IOException {
        return switch (f.format()) {
            case TEXT -> new TextRecords(f.path());
            case JSONL -> new JsonlRecords(f.path(), columns);
            case CSV -> new CsvRecords(f.path(), columns);
            case PARQUET -> new ParquetRecords(f.path(), columns);
        };
    }

    /** Checks every file's header or schema up front, so a wrong --column fails before any work. */
    public void checkColumns() throws IOException {
        for (InputFile f : files) {
            if (f.format() == InputFormat.CSV || f.format() == InputFormat.PARQUET) {
                // opening reads the header / schema and throws, naming the file, when the column is missing
                open(f).close();
            }
        }
    }
}
