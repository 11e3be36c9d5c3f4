package dev.memscope.scan.input;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A text file: one caption per line; a final newline is optional (it does not make an extra empty row). */
final class TextRecords implements RecordReader {
    private final LineReader lines;

    TextRecords(Path file) throws IOException {
        lines = new LineReader(Files.newInputStream(file));
    }

    @Override
    public RawRecord next() throws IOException {
        byte[] line = lines.next();
        if (line == null) {
            long over = lines.overLongLength();
            return over < 0 ? null : RawRecord.bad(lines.lineNumber(), "line of " + over + " bytes is over-long",
                    null);
        }
        return RawRecord.of(lines.lineNumber(), line);
    }

    @Override
    public void close() throws IOException {
        lines.close();
    }
}
