package dev.memscope.source;

import dev.memscope.detect.Detector;
import dev.memscope.detect.DetectorSettings;
import dev.memscope.detect.Detectors;
import dev.memscope.model.RecordedNoise;
import java.util.Optional;

/**
 * The one place that turns a detector name into what a source can run, from its {@link Capabilities}:
 * <ul>
 * <li>exact {@code sharpness} on a model without exact Jacobian-vector products that can be evaluated anywhere
 *   (ONNX, testbed) becomes {@code sharpness-fd} (central finite differences);</li>
 * <li>on a recording (replay), the detector takes as many images per prompt as were recorded (never more than its
 *   default, nor than --quick's), or is skipped with what it needs ("needs ...").</li>
 * <li>a detector reading cross-attention ({@code ren-entropy}, {@code ren-bos}) on a model without it is skipped with
 *   the reason.</li>
 * </ul>
 * {@code compare} and {@code detect} both go through here, so they agree.
 */
public final class DetectorChoice {
    private DetectorChoice() {
    }

    /** A detector the source can run, with a note when it was substituted, or the reason it cannot run. */
    public record Choice(String requested, Detector detector, String note, String skipped) {
        public boolean runs() {
            return detector != null;
        }
    }

    public static Choice choose(String name, boolean quick, Capabilities caps) {
        return choose(name, quick, caps, DetectorSettings.DEFAULTS);
    }

    /**
     * With command-line settings: {@code settings.images()} (when > 0) replaces the default / quick images; on a
     * recording it is still capped at what was recorded.
     */
    public static Choice choose(String name, boolean quick, Capabilities caps, DetectorSettings settings) {
        String requested = Detectors.create(name).name();   // validates the name, gives its canonical form
        String key = requested;
        String note = null;
        if (key.equals("sharpness") && !caps.exactJacobian() && caps.evaluatesAnywhere()) {
            key = "sharpness-fd";
            note = "sharpness: the model has no exact Jacobian-vector products; using sharpness-fd "
                    + "(central finite differences)";
        }
        if (Detectors.create(key).needsAttention() && !caps.attention()) {
            return new Choice(requested, null, note, "needs cross-attention maps, which this model does not expose "
                    + "(the lab has no attention layers; a replay records no attention; the testbed's ONNX UNet "
                    + "exports them)");
        }
        Optional<RecordedNoise.Recorded> recorded = caps.recording();
        if (recorded.isEmpty()) {
            int n = settings.images() > 0 ? settings.images() : quick ? Detectors.quickImages(key) : 0;
            return new Choice(requested, Detectors.create(key, settings.withImages(n)), note, null);
        }
        int wanted = settings.images() > 0 ? settings.images()
                : quick ? Detectors.quickImages(key) : Detectors.defaultImages(key);
        Detector fitted = null;
        try {
            fitted = Detectors.create(key, settings.withImages(Math.min(wanted, recorded.get().imagesPerPrompt())));
        } catch (IllegalArgumentException tooFew) {
            // carlini cannot run on one image (it compares pairs); its defaults then state what it needs
        }
        Detector d = fitted != null ? fitted : Detectors.create(key, settings.withImages(0));
        Optional<String> why = d.needs().unmetBy(recorded.get());
        return why.isPresent() ? new Choice(requested, null, note, why.get()) : new Choice(requested, d, note, null);
    }
}
