package dev.memscope.scan.store;

import dev.memscope.scan.score.ScoredRow;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongPredicate;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * One chunk's scores as one Parquet file (written on the driver with parquet-hadoop's local file API, so the
 * output needs no shared file system and no Hadoop file system): {@code row_id, caption, model, input_file,
 * input_line}, one DOUBLE per detector column, and {@code flagged} (null without {@code --threshold} or
 * {@code --top-k}, and with {@code --top-k} until every chunk is committed and the top k is known). Spark,
 * pandas and DuckDB read the folder as one dataset.
 */
public final class ChunkParquet {
    private ChunkParquet() {
    }

    public static MessageType schema(List<String> columns) {
        Types.MessageTypeBuilder b = Types.buildMessage();
        b.required(PrimitiveTypeName.INT64).named("row_id");
        b.required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("caption");
        b.required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("model");
        b.required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("input_file");
        b.required(PrimitiveTypeName.INT64).named("input_line");
        for (String c : columns) {
            b.required(PrimitiveTypeName.DOUBLE).named(c);
        }
        b.optional(PrimitiveTypeName.BOOLEAN).named("flagged");
        return b.named("memscope_scan");
    }

    /** Writes a new file (it must not exist): the caller writes to a temp name and renames. */
    public static void write(Path file, List<String> columns, String model, List<ScoredRow> rows, Double threshold)
            throws IOException {
        MessageType schema = schema(columns);
        SimpleGroupFactory f = new SimpleGroupFactory(schema);
        try (ParquetWriter<Group> w = writer(file, schema)) {
            for (ScoredRow r : rows) {
                Group g = f.newGroup()
                        .append("row_id", r.rowId())
                        .append("caption", r.caption())
                        .append("model", model)
                        .append("input_file", r.file())
                        .append("input_line", r.line());
                for (int c = 0; c < columns.size(); c++) {
                    g.append(columns.get(c), r.values()[c]);
                }
                if (threshold != null) {
                    g.append("flagged", r.values()[0] >= threshold);
                }
                w.write(g);
            }
        }
    }

    /**
     * Copies a chunk file to a new file ({@code to} must not exist) with every column as it was, bit for bit, except
     * {@code flagged}, which becomes {@code flag.test(row_id)}. The top-k finalization rewrites chunks with it.
     */
    public static void copyWithFlags(Path from, Path to, List<String> columns, LongPredicate flag) throws IOException {
        MessageType schema = schema(columns);
        SimpleGroupFactory f = new SimpleGroupFactory(schema);
        try (ParquetReader<Group> r = reader(from, schema); ParquetWriter<Group> w = writer(to, schema)) {
            for (Group in = r.read(); in != null; in = r.read()) {
                long id = in.getLong("row_id", 0);
                Group g = f.newGroup()
                        .append("row_id", id)
                        .append("caption", in.getBinary("caption", 0))
                        .append("model", in.getBinary("model", 0))
                        .append("input_file", in.getBinary("input_file", 0))
                        .append("input_line", in.getLong("input_line", 0));
                for (String c : columns) {
                    g.append(c, in.getDouble(c, 0));
                }
                g.append("flagged", flag.test(id));
                w.write(g);
            }
        }
    }

    /** {@code flagged.parquet}: rank (1 = highest), row_id, and the primary score, best first. */
    static void writeFlagged(Path file, String primary, List<TopKFlags.Flagged> rows) throws IOException {
        MessageType schema = Types.buildMessage()
                .required(PrimitiveTypeName.INT32).named("rank")
                .required(PrimitiveTypeName.INT64).named("row_id")
                .required(PrimitiveTypeName.DOUBLE).named(primary)
                .named("memscope_scan_flagged");
        SimpleGroupFactory f = new SimpleGroupFactory(schema);
        try (ParquetWriter<Group> w = writer(file, schema)) {
            for (TopKFlags.Flagged r : rows) {
                w.write(f.newGroup().append("rank", r.rank()).append("row_id", r.rowId()).append(primary, r.score()));
            }
        }
    }

    private static ParquetWriter<Group> writer(Path file, MessageType schema) throws IOException {
        return ExampleParquetWriter.builder(new LocalOutputFile(file))
                .withType(schema)
                .withCompressionCodec(CompressionCodecName.SNAPPY)
                .build();
    }

    /**
     * Row groups of a corpus file. A Parquet reader holds the pages of one row group of the read column, so this,
     * not the file's row count, is what reading a corpus costs in memory; 16 MiB keeps it small at any size.
     */
    static final long CORPUS_ROW_GROUP_BYTES = 16L << 20;

    /** Text-to-Parquet for corpora (scripts/make_scan_corpus.py): one string column. */
    public static ParquetWriter<Group> captionWriter(Path file, String column) throws IOException {
        MessageType schema = Types.buildMessage()
                .required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(column)
                .named("captions");
        return ExampleParquetWriter.builder(new LocalOutputFile(file)).withType(schema)
                .withRowGroupSize(CORPUS_ROW_GROUP_BYTES)
                .withCompressionCodec(CompressionCodecName.SNAPPY).build();
    }

    /** Reads a chunk file's groups in order (a projection on {@code columns}, or every column when null). */
    public static ParquetReader<Group> reader(Path file, MessageType projection) throws IOException {
        InputFile in = new LocalInputFile(file);
        Builder b = new Builder(in);
        if (projection != null) {
            b.set(ReadSupport.PARQUET_READ_SCHEMA, projection.toString());
        }
        return b.build();
    }

    private static final class Builder extends ParquetReader.Builder<Group> {
        Builder(InputFile file) {
            super(file);
        }

        @Override
        protected ReadSupport<Group> getReadSupport() {
            return new GroupReadSupport();
        }
    }
}
