package dev.memscope.cli;

import dev.memscope.detect.Detector;
import dev.memscope.detect.Detectors;
import dev.memscope.model.RecordedNoise;
import java.util.Optional;

/**
 * Which detector a replay runs for a name: the detector with as many images per prompt as were recorded (like
 * {@code --quick}, one), or, when it cannot be built that way or the recording lacks what it needs, the reason why
 * not ("needs ...").
 */
final class ReplayDetectors {
    private ReplayDetectors() {
    }

    /** A detector that can run on the recording, or the reason it cannot. */
    record Choice(Detector detector, String skipped) {
    }

    static Choice choose(String name, RecordedNoise.Recorded recorded) {
        Detector fitted = null;
        try {
            fitted = Detectors.create(name, Math.min(Detectors.defaultImages(name), recorded.imagesPerPrompt()));
        } catch (IllegalArgumentException tooFew) {
            // carlini cannot run on one image (it compares pairs); its defaults then state what it needs
        }
        Detector d = fitted != null ? fitted : Detectors.create(name);
        Optional<String> why = d.needs().unmetBy(recorded);
        return why.isPresent() ? new Choice(null, why.get()) : new Choice(d, null);
    }

    /** The detector for {@code memscope detect --replay}; throws with the reason when the recording cannot serve it. */
    static Detector require(String name, RecordedNoise.Recorded recorded, String replayDir) {
        Choice c = choose(name, recorded);
        if (c.detector() == null) {
            throw new IllegalArgumentException(Detectors.create(name).name() + " cannot run on the replay in "
                    + replayDir + ": " + c.skipped());
        }
        return c.detector();
    }
}
