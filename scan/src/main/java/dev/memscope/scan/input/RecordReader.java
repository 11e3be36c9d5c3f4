package dev.memscope.scan.input;

import java.io.Closeable;
import java.io.IOException;

/** Streams the caption of every row of one input file, in file order; memory does not grow with the file. */
interface RecordReader extends Closeable {
    /** The next row, or null at the end. */
    RawRecord next() throws IOException;
}
