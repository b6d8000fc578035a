package spark.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Words of a line (the rule docs/wordcount.md states): lower case (locale-independent); a word is a
 * run of Unicode letters, combining marks and decimal digits ("café", "straße", "1790" stay whole),
 * which may hold an apostrophe between two such characters ("don't", "nation's"; a typographic
 * apostrophe is written as '); everything else (spaces, punctuation, hyphens, a leading or trailing
 * apostrophe) separates words.
 */
public final class Tokenizer {
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{M}\\p{Nd}]+(?:['\u2019][\\p{L}\\p{M}\\p{Nd}]+)*");

    private Tokenizer() {
    }

    public static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        if (line == null) return words;
        Matcher m = WORD.matcher(line.toLowerCase(Locale.ROOT));
        while (m.find()) words.add(m.group().replace('\u2019', '\''));
        return words;
    }
}
