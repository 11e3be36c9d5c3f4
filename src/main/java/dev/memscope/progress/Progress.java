package dev.memscope.progress;

/**
 * Progress of long work, reported in units the caller chooses (prompts, steps). Implementations print a line
 * with an ETA ({@link ConsoleProgress}) or stay silent ({@link #NONE}, for tests and benchmarks).
 */
public interface Progress {

    Progress NONE = new Progress() {
        @Override
        public void start(String task, long total) {
        }

        @Override
        public void advance(long units) {
        }

        @Override
        public void done() {
        }
    };

    void start(String task, long total);

    void advance(long units);

    void done();
}
