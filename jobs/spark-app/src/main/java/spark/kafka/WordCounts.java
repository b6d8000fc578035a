package spark.kafka;

import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;

/** The counting, shared by the streaming job and its tests: lines in, (word, count) rows out. */
public final class WordCounts {
    private WordCounts() {
    }

    /** Every word of every line, one row each (column "word"). */
    public static Dataset<String> words(Dataset<String> lines) {
        return lines.flatMap((FlatMapFunction<String, String>) line -> Tokenizer.words(line).iterator(), Encoders.STRING())
            .toDF("word").as(Encoders.STRING());
    }

    /** Columns word (string) and count (long). */
    public static Dataset<Row> count(Dataset<String> lines) {
        return words(lines).groupBy("word").count();
    }
}
