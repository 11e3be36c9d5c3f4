package dev.memscope.scan.input;

import dev.memscope.data.PromptFileException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * A Parquet file (LAION's metadata is Parquet): only the caption column is read (a projection, so wide files cost
 * no more than narrow ones), row by row. The column must be a top-level string (BINARY) column; a missing or
 * non-string column is an error naming the file and its columns. A null value is a reject.
 */
final class ParquetRecords implements RecordReader {
    private final ParquetReader<Group> reader;
    private long row;

    ParquetRecords(Path file, List<String> columns) throws IOException {
        InputFile in = new LocalInputFile(file);
        MessageType schema;
        try (ParquetFileReader r = ParquetFileReader.open(in)) {
            schema = r.getFooter().getFileMetaData().getSchema();
        } catch (RuntimeException | IOException e) {
            throw new PromptFileException(file, 0, "not a readable Parquet file (" + e.getMessage() + ")");
        }
        String name = column(file, schema, columns);
        MessageType projection = new MessageType(schema.getName(), schema.getType(name));
        reader = new Builder(in).set(ReadSupport.PARQUET_READ_SCHEMA, projection.toString()).build();
    }

    /** Counts rows from the footer alone (for the driver's ETA). */
    static long countRows(Path file) throws IOException {
        try (ParquetFileReader r = ParquetFileReader.open(new LocalInputFile(file))) {
            return r.getRecordCount();
        } catch (RuntimeException e) {
            throw new PromptFileException(file, 0, "not a readable Parquet file (" + e.getMessage() + ")");
        }
    }

    static String column(Path file, MessageType schema, List<String> columns) throws PromptFileException {
        for (String c : columns) {
            if (!schema.containsField(c)) {
                continue;
            }
            Type t = schema.getType(c);
            if (!t.isPrimitive() || t.asPrimitiveType().getPrimitiveTypeName() != PrimitiveType.PrimitiveTypeName.BINARY
                    || t.isRepetition(Type.Repetition.REPEATED)) {
                throw new PromptFileException(file, 0, "column '" + c + "' is " + t + ", not a string column");
            }
            return c;
        }
        List<String> have = schema.getFields().stream().map(Type::getName).toList();
        throw new PromptFileException(file, 0, "no column " + String.join(" or ", columns) + " (it has "
                + String.join(", ", have) + "); choose one with --column");
    }

    @Override
    public RawRecord next() throws IOException {
        Group g = reader.read();
        if (g == null) {
            return null;
        }
        row++;
        if (g.getFieldRepetitionCount(0) == 0) {
            return RawRecord.of(row, null);
        }
        return RawRecord.of(row, g.getBinary(0, 0).getBytes());
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }

    /** ParquetReader's builder for a non-Hadoop {@link InputFile} with the example Group model. */
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
