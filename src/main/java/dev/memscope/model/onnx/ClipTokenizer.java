package dev.memscope.model.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * CLIP's byte-level BPE tokenizer, reading {@code vocab.json} and {@code merges.txt} of a Hugging Face / optimum
 * export. The same algorithm as the Python reference {@code scripts/tiny_sd/clip_bpe.py} (the tests' oracle):
 * clean (HTML unescape twice, whitespace runs to one space, lower case; no ftfy), split with CLIP's pattern
 * ({@code <|startoftext|>|<|endoftext|>|'s|'t|'re|'ve|'m|'ll|'d|\p{L}+|\p{N}|[^\s\p{L}\p{N}]+}), map each piece's
 * UTF-8 bytes to CLIP's printable byte symbols, mark the word end with {@code </w>}, merge pairs by rank, and frame
 * as {@code [BOS] tokens[:max-2] [EOS]} padded to {@code model_max_length} (77) with the pad token of
 * {@code special_tokens_map.json} / {@code tokenizer_config.json} (SD v1: {@code <|endoftext|>}; SD v2: {@code !}).
 */
public final class ClipTokenizer {
    public static final String BOS = "<|startoftext|>";
    public static final String EOS = "<|endoftext|>";
    private static final String END_OF_WORD = "</w>";
    private static final String[] CONTRACTIONS = {"'s", "'t", "'re", "'ve", "'m", "'ll", "'d"};
    private static final int DEFAULT_MAX_LENGTH = 77;
    private static final char[] BYTE_SYMBOL = byteSymbols();

    private final Path folder;
    private final Map<String, Integer> vocab;
    private final Map<String, Integer> ranks;
    private final int maxLength;
    private final int bosId;
    private final int eosId;
    private final int padId;
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    private ClipTokenizer(Path folder, Map<String, Integer> vocab, Map<String, Integer> ranks, int maxLength,
            String pad) {
        this.folder = folder;
        this.vocab = vocab;
        this.ranks = ranks;
        this.maxLength = maxLength;
        this.bosId = id(BOS, "vocab.json");
        this.eosId = id(EOS, "vocab.json");
        this.padId = id(pad, "the pad token");
    }

    /** Reads a tokenizer folder: vocab.json, merges.txt, and optionally tokenizer_config.json, special_tokens_map.json. */
    public static ClipTokenizer load(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException("tokenizer folder " + folder + " does not exist");
        }
        Path vocabFile = require(folder, "vocab.json", "CLIP's token -> id map");
        Path mergesFile = require(folder, "merges.txt", "CLIP's BPE merges, one pair per line");
        Map<String, Integer> vocab = readVocab(vocabFile);
        Map<String, Integer> ranks = readMerges(mergesFile);
        String pad = EOS;
        int maxLength = DEFAULT_MAX_LENGTH;
        // special_tokens_map.json wins over tokenizer_config.json, as in HF transformers (SD v2 sets pad "!" there)
        for (String name : new String[] {"tokenizer_config.json", "special_tokens_map.json"}) {
            Path f = folder.resolve(name);
            if (!Files.isRegularFile(f)) {
                continue;
            }
            JsonNode cfg = readJson(f);
            JsonNode p = cfg.get("pad_token");
            if (p != null && !p.isNull()) {
                pad = p.isObject() ? p.path("content").asText(null) : p.asText();
                if (pad == null) {
                    throw new IllegalArgumentException(f + ": pad_token has no \"content\"");
                }
            }
            JsonNode ml = cfg.get("model_max_length");
            if (ml != null && ml.canConvertToInt() && ml.asInt() > 2 && ml.asInt() <= 10_000) {
                maxLength = ml.asInt();   // HF writes 1e30 for "unlimited"; CLIP's position table is 77
            }
        }
        return new ClipTokenizer(folder, vocab, ranks, maxLength, pad);
    }

    private static Path require(Path folder, String name, String what) {
        Path f = folder.resolve(name);
        if (!Files.isRegularFile(f)) {
            throw new IllegalArgumentException("tokenizer folder " + folder + " has no " + name + " (" + what + ")");
        }
        return f;
    }

    private static JsonNode readJson(Path f) throws IOException {
        try {
            return new ObjectMapper().readTree(f.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(f + ": not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ")" : ""), e);
        }
    }

    private static Map<String, Integer> readVocab(Path f) throws IOException {
        JsonNode root = readJson(f);
        if (!root.isObject()) {
            throw new IllegalArgumentException(f + ": expected a JSON object of token -> id");
        }
        Map<String, Integer> vocab = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().canConvertToInt() || e.getValue().asInt() < 0) {
                throw new IllegalArgumentException(f + ": token '" + e.getKey() + "' has id " + e.getValue()
                        + ", expected a non-negative integer");
            }
            vocab.put(e.getKey(), e.getValue().asInt());
        }
        return vocab;
    }

    /** Pair -> rank; '#version' lines and blank lines skipped; a malformed line is reported as file:line. */
    static Map<String, Integer> readMerges(Path f) throws IOException {
        Map<String, Integer> ranks = new HashMap<>();
        try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.startsWith("#version") || line.isBlank()) {
                    continue;
                }
                int sp = line.indexOf(' ');
                if (sp <= 0 || sp == line.length() - 1 || line.indexOf(' ', sp + 1) >= 0) {
                    throw new IllegalArgumentException(f + ":" + lineNo + ": a merge is two symbols separated by "
                            + "one space, got '" + line + "'");
                }
                ranks.putIfAbsent(pairKey(line.substring(0, sp), line.substring(sp + 1)), ranks.size());
            }
        }
        return ranks;
    }

    private int id(String token, String where) {
        Integer id = vocab.get(token);
        if (id == null) {
            throw new IllegalArgumentException(folder.resolve("vocab.json") + " has no token '" + token + "' ("
                    + where + ")");
        }
        return id;
    }

    public Path folder() {
        return folder;
    }

    /** Token ids per prompt, BOS and EOS included: 77 for SD. */
    public int maxLength() {
        return maxLength;
    }

    public int padId() {
        return padId;
    }

    public int bosId() {
        return bosId;
    }

    public int eosId() {
        return eosId;
    }

    /** Largest id in the vocabulary plus one. */
    public int vocabularySize() {
        return vocab.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
    }

    /** {@link #maxLength()} ids: BOS, the first {@code maxLength - 2} BPE tokens, EOS, padding. */
    public int[] encode(String prompt) {
        int[] body = tokens(prompt);
        int n = Math.min(body.length, maxLength - 2);
        int[] ids = new int[maxLength];
        Arrays.fill(ids, padId);
        ids[0] = bosId;
        System.arraycopy(body, 0, ids, 1, n);
        ids[n + 1] = eosId;
        return ids;
    }

    /** The BPE token ids of a prompt, without BOS, EOS or padding, untruncated. */
    public int[] tokens(String prompt) {
        List<Integer> out = new ArrayList<>();
        for (String piece : preTokenize(clean(prompt))) {
            if (piece.equals(BOS) || piece.equals(EOS)) {
                out.add(vocab.get(piece));
                continue;
            }
            for (int id : cache.computeIfAbsent(piece, this::bpeIds)) {
                out.add(id);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private int[] bpeIds(String piece) {
        List<String> symbols = bpe(wordSymbols(piece));
        int[] ids = new int[symbols.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = vocab.getOrDefault(symbols.get(i), eosId);   // HF's unk_token is <|endoftext|>
        }
        return ids;
    }

    /** HTML unescape twice, whitespace runs to one space (trimmed), lower case. */
    static String clean(String text) {
        String s = HtmlUnescape.unescape(HtmlUnescape.unescape(text));
        StringBuilder out = new StringBuilder(s.length());
        boolean inSpace = false;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (isSpace(cp)) {
                inSpace = true;
            } else {
                if (inSpace && out.length() > 0) {
                    out.append(' ');
                }
                inSpace = false;
                out.appendCodePoint(cp);
            }
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }

    /** CLIP's split pattern, alternative by alternative (see the class comment). */
    static List<String> preTokenize(String text) {
        List<String> pieces = new ArrayList<>();
        int i = 0;
        int n = text.length();
        outer:
        while (i < n) {
            for (String special : new String[] {BOS, EOS}) {
                if (text.startsWith(special, i)) {
                    pieces.add(special);
                    i += special.length();
                    continue outer;
                }
            }
            for (String c : CONTRACTIONS) {
                if (text.startsWith(c, i)) {
                    pieces.add(c);
                    i += c.length();
                    continue outer;
                }
            }
            int cp = text.codePointAt(i);
            int j = i + Character.charCount(cp);
            if (Character.isLetter(cp)) {
                while (j < n && Character.isLetter(text.codePointAt(j))) {
                    j += Character.charCount(text.codePointAt(j));
                }
                pieces.add(text.substring(i, j));
            } else if (isNumber(cp)) {
                pieces.add(text.substring(i, j));
            } else if (!isSpace(cp)) {
                while (j < n) {
                    int next = text.codePointAt(j);
                    if (isSpace(next) || Character.isLetter(next) || isNumber(next)) {
                        break;
                    }
                    j += Character.charCount(next);
                }
                pieces.add(text.substring(i, j));
            }
            i = j;
        }
        return pieces;
    }

    /** Unicode category N* (\p{N}). */
    private static boolean isNumber(int cp) {
        int type = Character.getType(cp);
        return type == Character.DECIMAL_DIGIT_NUMBER || type == Character.LETTER_NUMBER
                || type == Character.OTHER_NUMBER;
    }

    /** Python's str.isspace: Java's whitespace plus the no-break spaces (Zs) and U+0085. */
    static boolean isSpace(int cp) {
        return Character.isWhitespace(cp) || Character.isSpaceChar(cp) || cp == 0x85;
    }

    private static List<String> wordSymbols(String piece) {
        byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
        List<String> symbols = new ArrayList<>(bytes.length);
        for (byte b : bytes) {
            symbols.add(String.valueOf(BYTE_SYMBOL[b & 0xff]));
        }
        int last = symbols.size() - 1;
        symbols.set(last, symbols.get(last) + END_OF_WORD);
        return symbols;
    }

    /** Merges the lowest-ranked adjacent pair (all its non-overlapping occurrences, left to right) until none is ranked. */
    private List<String> bpe(List<String> word) {
        while (word.size() > 1) {
            int bestRank = Integer.MAX_VALUE;
            String first = null;
            String second = null;
            for (int i = 0; i + 1 < word.size(); i++) {
                Integer r = ranks.get(pairKey(word.get(i), word.get(i + 1)));
                if (r != null && r < bestRank) {
                    bestRank = r;
                    first = word.get(i);
                    second = word.get(i + 1);
                }
            }
            if (first == null) {
                break;
            }
            List<String> merged = new ArrayList<>(word.size());
            for (int i = 0; i < word.size(); ) {
                if (i + 1 < word.size() && word.get(i).equals(first) && word.get(i + 1).equals(second)) {
                    merged.add(first + second);
                    i += 2;
                } else {
                    merged.add(word.get(i));
                    i++;
                }
            }
            word = merged;
        }
        return word;
    }

    /** Symbols never hold a space (bytes_to_unicode maps 0x20 to U+0120), so a space separates the pair. */
    private static String pairKey(String a, String b) {
        return a + ' ' + b;
    }

    /**
     * CLIP's bytes_to_unicode: the printable Latin-1 bytes ('!'..'~', U+00A1..U+00AC, U+00AE..U+00FF) stand for
     * themselves, the other 68 bytes for U+0100 onwards in byte order.
     */
    private static char[] byteSymbols() {
        char[] table = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            table[b] = printable ? (char) b : (char) next++;
        }
        return table;
    }
}
