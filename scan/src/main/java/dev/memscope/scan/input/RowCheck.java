package dev.memscope.scan.input;

import dev.memscope.data.PromptFiles;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The rules a caption must meet to be scored, the same as {@code detect}'s prompt files: valid UTF-8, not blank
 * (a blank caption is the unconditional prompt and would score as "not memorized" unseen), at most
 * {@link PromptFiles#MAX_PROMPT_CHARS} characters. A row that breaks one becomes a {@link Reject}, never an error:
 * one bad row in a million must not stop a scan.
 */
public final class RowCheck {
    private RowCheck() {
    }

    /** Either a row or a reject, never both. */
    public record Outcome(CaptionRow row, Reject reject) {
    }

    static Outcome check(long rowId, String file, RawRecord r) {
        if (r.problem() != null) {
            return reject(rowId, file, r, r.problem());
        }
        if (r.caption() == null) {
            return reject(rowId, file, r, "null caption");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(r.caption())).toString();
        } catch (CharacterCodingException e) {
            return reject(rowId, file, r, "invalid UTF-8");
        }
        if (text.isBlank()) {
            return reject(rowId, file, r, "empty caption");
        }
        if (text.length() > PromptFiles.MAX_PROMPT_CHARS) {
            return reject(rowId, file, r, "caption of " + text.length() + " characters is longer than "
                    + PromptFiles.MAX_PROMPT_CHARS);
        }
        return new Outcome(new CaptionRow(rowId, text, file, r.line()), null);
    }

    private static Outcome reject(long rowId, String file, RawRecord r, String reason) {
        String seen = r.caption() == null ? "" : new String(r.caption(), StandardCharsets.UTF_8);
        if (seen.length() > Reject.EXCERPT_CHARS) {
            seen = seen.substring(0, Reject.EXCERPT_CHARS);
        }
        return new Outcome(null, new Reject(rowId, file, r.line(), reason, seen));
    }
}
