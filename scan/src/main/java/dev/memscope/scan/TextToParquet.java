package dev.memscope.scan;

import dev.memscope.io.OutputPaths;
import dev.memscope.scan.store.ChunkParquet;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code memscope scan text-to-parquet IN.txt OUT.parquet}: one caption per line into a one-column Parquet file.
 * The machine MemScope is built on has no Python Parquet library, so scripts/make_scan_corpus.py writes text and
 * this makes it Parquet. Lines are copied verbatim (bad ones too: the scan is what rejects them).
 */
@Command(name = "text-to-parquet", mixinStandardHelpOptions = true,
        description = "Write the lines of a text file as a one-column Parquet file (for test corpora).")
final class TextToParquet implements Callable<Integer> {
    @Parameters(index = "0", description = "text file, one caption per line")
    Path in;

    @Parameters(index = "1", description = "Parquet file to write")
    Path out;

    @Option(names = "--column", defaultValue = "caption", description = "column name (default caption)")
    String column;

    @Override
    public Integer call() throws Exception {
        OutputPaths.requireFile("OUT", out, in);
        Path abs = out.toAbsolutePath();
        Path tmp = abs.resolveSibling("." + abs.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        long n = 0;
        SimpleGroupFactory f = new SimpleGroupFactory(Types.buildMessage()
                .required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(column)
                .named("captions"));
        try {
            try (BufferedReader r = Files.newBufferedReader(in, StandardCharsets.UTF_8);
                 ParquetWriter<Group> w = ChunkParquet.captionWriter(tmp, column)) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    w.write(f.newGroup().append(column, line));
                    n++;
                }
            }
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        System.err.println("text-to-parquet: " + n + " rows -> " + out);
        return 0;
    }
}
