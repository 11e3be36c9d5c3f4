package dev.memscope.scan.input;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream at '\n' (dropping a '\r' before it, and a UTF-8 byte order mark at the start) without
 * decoding, so that invalid UTF-8 is found per line, not per file. A line longer than {@link #MAX_LINE_BYTES} is
 * read to its end but not kept: it comes back as {@link #overLongLength()} so memory stays bounded on any input.
 */
final class LineReader implements AutoCloseable {
    /** Far above any caption (1000 characters are at most 4000 bytes), far below what a heap notices. */
    static final int MAX_LINE_BYTES = 1 << 16;

    private final InputStream in;
    private byte[] buf = new byte[256];
    private int len;
    private long overLong;
    private long lineNo;
    private boolean first = true;

    LineReader(InputStream in) {
        this.in = new BufferedInputStream(in, 1 << 16);
    }

    /** The next line's bytes (null at the end of the stream, or for an over-long line: see {@link #overLongLength}). */
    byte[] next() throws IOException {
        len = 0;
        overLong = -1;
        long total = 0;
        int b = in.read();
        if (b < 0) {
            return null;
        }
        lineNo++;
        while (b >= 0 && b != '\n') {
            total++;
            if (total <= MAX_LINE_BYTES) {
                if (len == buf.length) {
                    buf = Arrays.copyOf(buf, Math.min(2 * buf.length, MAX_LINE_BYTES));
                }
                buf[len++] = (byte) b;
            }
            b = in.read();
        }
        if (total > MAX_LINE_BYTES) {
            overLong = total;
            return null;
        }
        int end = len > 0 && buf[len - 1] == '\r' ? len - 1 : len;
        int start = 0;
        if (first && end >= 3 && (buf[0] & 0xff) == 0xEF && (buf[1] & 0xff) == 0xBB && (buf[2] & 0xff) == 0xBF) {
            start = 3;
        }
        first = false;
        return Arrays.copyOfRange(buf, start, end);
    }

    /** The length in bytes of the line {@link #next} just skipped as over-long, or -1. */
    long overLongLength() {
        return overLong;
    }

    /** 1-based number of the line {@link #next} returned last. */
    long lineNumber() {
        return lineNo;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
