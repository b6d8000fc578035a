package spark.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Words of a line: lower case (locale-independent), split on anything that is not a letter or a
 * combining mark (Unicode-aware, so "café", "straße" and "naïve" stay whole), empties dropped.
 */
public final class Tokenizer {
    private static final Pattern NOT_A_WORD = Pattern.compile("[^\\p{L}\\p{M}]+");

    private Tokenizer() {
    }

    public static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        if (line == null) return words;
        for (String w : NOT_A_WORD.split(line.toLowerCase(Locale.ROOT))) {
            if (!w.isEmpty()) words.add(w);
        }
        return words;
    }
}
