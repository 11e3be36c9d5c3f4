package dev.memscope.scan.input;

import java.io.Closeable;
import java.io.IOException;

/** Streams the checked rows of an {@link InputSet}, numbering them 0, 1, 2, ... across files. */
public final class InputRows implements Closeable {
    private final InputSet set;
    private int fileIndex = -1;
    private RecordReader reader;
    private String fileName;
    private long nextId;

    InputRows(InputSet set) {
        this.set = set;
    }

    /** The next row checked ({@link RowCheck.Outcome}), or null when every file is read. */
    public RowCheck.Outcome next() throws IOException {
        while (true) {
            if (reader == null) {
                fileIndex++;
                if (fileIndex >= set.files().size()) {
                    return null;
                }
                InputSet.InputFile f = set.files().get(fileIndex);
                reader = set.open(f);
                fileName = f.path().toString();
            }
            RawRecord r = reader.next();
            if (r == null) {
                reader.close();
                reader = null;
                continue;
            }
            return RowCheck.check(nextId++, fileName, r);
        }
    }

    @Override
    public void close() throws IOException {
        if (reader != null) {
            reader.close();
            reader = null;
        }
    }
}
