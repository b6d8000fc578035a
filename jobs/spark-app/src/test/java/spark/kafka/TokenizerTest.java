package spark.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Collections;
import org.junit.jupiter.api.Test;

class TokenizerTest {
    @Test
    void lowerCasesAndSplitsOnAnythingThatIsNotALetter() {
        assertEquals(Arrays.asList("hello", "kafka", "hello", "spark"), Tokenizer.words("Hello, Kafka!  hello\tSPARK..."));
    }

    @Test
    void keepsUnicodeWordsWhole() {
        assertEquals(Arrays.asList("café", "straße", "naïve", "élève", "москва"), Tokenizer.words("Café, Straße naïve Élève — Москва"));
    }

    @Test
    void keepsCombiningMarksWithTheirLetter() {
        // "e" followed by U+0301 COMBINING ACUTE ACCENT is one word, not "e" and nothing.
        assertEquals(Collections.singletonList("cafe\u0301"), Tokenizer.words("Cafe\u0301"));
    }

    @Test
    void apostrophesInsideAWordAndDigitsStayPunctuationAndHyphensSeparate() {
        assertEquals(Arrays.asList("don't", "stop", "me", "2", "now"), Tokenizer.words("  don't  stop-me 2 now!!  "));
        assertEquals(Arrays.asList("nation's", "rock'n'roll", "1", "000", "tis"), Tokenizer.words("Nation\u2019s rock'n'roll 1,000 'tis"));
        assertEquals(Collections.singletonList("42"), Tokenizer.words(" 42 ... "));
        assertEquals(Collections.emptyList(), Tokenizer.words(""));
        assertEquals(Collections.emptyList(), Tokenizer.words(null));
    }

    @Test
    void lowerCasingDoesNotDependOnTheDefaultLocale() {
        java.util.Locale saved = java.util.Locale.getDefault();
        try {
            java.util.Locale.setDefault(new java.util.Locale("tr"));
            assertEquals(Collections.singletonList("title"), Tokenizer.words("TITLE"));
        } finally {
            java.util.Locale.setDefault(saved);
        }
    }
}
