package spark.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The counting on a real local SparkSession, compared with counts computed without Spark. */
class WordCountsTest {
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[2]").appName("WordCountsTest")
            .config("spark.sql.shuffle.partitions", "2").config("spark.ui.enabled", "false").getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static Map<String, Long> expected(List<String> lines) {
        Map<String, Long> counts = new HashMap<>();
        for (String line : lines) for (String w : Tokenizer.words(line)) counts.merge(w, 1L, Long::sum);
        return counts;
    }

    @Test
    void countsEveryWordOfEveryLineExactly() {
        List<String> lines = Arrays.asList("The quick brown fox", "the LAZY dog, the end.", "", "Ünïcode ünïcode 42");
        Map<String, Long> actual = new HashMap<>();
        for (Row r : WordCounts.count(spark.createDataset(lines, Encoders.STRING())).collectAsList()) {
            actual.put(r.getString(r.fieldIndex("word")), r.getLong(r.fieldIndex("count")));
        }
        assertEquals(expected(lines), actual);
        assertEquals(3L, actual.get("the"));
        assertEquals(2L, actual.get("ünïcode"));
    }

    @Test
    void writesABatchAsParquetThatReadsBackToTheSameCounts() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("wordcount-parquet");
        List<String> lines = Arrays.asList("a b a", "b c");
        SparkKafkaWordCount.writeBatch(WordCounts.count(spark.createDataset(lines, Encoders.STRING())), dir.toString(), 7);
        // A replayed batch overwrites its own directory: the counts are not doubled.
        SparkKafkaWordCount.writeBatch(WordCounts.count(spark.createDataset(lines, Encoders.STRING())), dir.toString(), 7);
        Map<String, Long> actual = new HashMap<>();
        for (Row r : spark.read().parquet(dir.toString()).groupBy("word").sum("count").collectAsList()) actual.put(r.getString(0), r.getLong(1));
        assertEquals(expected(lines), actual);
    }
}
