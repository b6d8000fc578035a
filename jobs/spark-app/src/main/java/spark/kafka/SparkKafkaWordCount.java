package spark.kafka;

import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamReader;
import org.apache.spark.sql.streaming.DataStreamWriter;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;

/**
 * Counts the words of a Kafka topic as they arrive (Spark Structured Streaming).
 * The lab's command line still works unchanged:
 *   spark-submit --class spark.kafka.SparkKafkaWordCount --master local JAR localhost:9092 Hello-Kafka myGroup
 * Options choose the sink (console, a Kafka topic of counts, Parquet files), the checkpoint and
 * the trigger: see {@link JobOptions#USAGE}.
 */
public final class SparkKafkaWordCount {
    private SparkKafkaWordCount() {
    }

    public static void main(String[] args) throws Exception {
        JobOptions o;
        try {
            o = JobOptions.parse(args);
        } catch (JobOptions.UsageException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        // No appName here: it would override spark-submit's --name (the name YARN and Livy show).
        SparkSession spark = SparkSession.builder().getOrCreate();
        // 200 shuffle partitions (Spark's default) make every micro-batch of a small job slow. The
        // value is frozen into the checkpoint at first start.
        spark.conf().set("spark.sql.shuffle.partitions", String.valueOf(o.shufflePartitions));
        spark.streams().addListener(new ProgressLines(System.out));
        StreamingQuery query = start(spark, o);
        query.awaitTermination();
        // Reached only when the query ended without an error (available-now: the topic drained).
        System.out.println(ProgressLines.PREFIX + "finished");
        System.out.flush();
    }

    /** The lines of the subscribed topics, as strings. */
    static Dataset<String> lines(SparkSession spark, JobOptions o) {
        DataStreamReader reader = spark.readStream().format("kafka")
            .option("kafka.bootstrap.servers", o.bootstrapServers)
            .option("subscribe", o.topics)
            .option("kafka.group.id", o.groupId)
            .option("startingOffsets", o.startingOffsets)
            // A topic recreated or truncated while the job was down: say so in the log, do not stop.
            .option("failOnDataLoss", "false");
        if (o.maxOffsetsPerTrigger != null) reader = reader.option("maxOffsetsPerTrigger", o.maxOffsetsPerTrigger);
        return reader.load().selectExpr("CAST(value AS STRING)").as(Encoders.STRING());
    }

    public static StreamingQuery start(SparkSession spark, JobOptions o) throws Exception {
        Dataset<String> lines = lines(spark, o);
        DataStreamWriter<?> writer;
        switch (o.sink) {
            case KAFKA:
                // Update mode: each batch sends the new totals of the words it saw. Keyed by word, the
                // latest record per key is the word's count, so the at-least-once Kafka sink cannot
                // over-count: a repeated record carries the same total.
                writer = WordCounts.count(lines)
                    .selectExpr("word AS key", "CAST(`count` AS STRING) AS value")
                    .writeStream().outputMode("update").format("kafka")
                    .option("kafka.bootstrap.servers", o.bootstrapServers)
                    .option("topic", o.countsTopic);
                break;
            case PARQUET:
                // Each micro-batch's counts go to their own directory batch=<id>, overwritten when a
                // batch is replayed after a crash (Spark replays a batch with the same offsets): no row
                // lost or doubled. Readers sum the counts over the batch directories.
                final String output = o.output;
                writer = WordCounts.words(lines).writeStream()
                    .foreachBatch((VoidFunction2<Dataset<String>, Long>) (batch, id) ->
                        writeBatch(WordCounts.count(batch), output, id));
                break;
            default:
                writer = WordCounts.count(lines).writeStream().outputMode("complete").format("console");
        }
        if (o.checkpoint != null) writer = writer.option("checkpointLocation", o.checkpoint);
        writer = writer.trigger(o.triggerMillis == null
            ? Trigger.AvailableNow()
            : Trigger.ProcessingTime(o.triggerMillis, TimeUnit.MILLISECONDS));
        return writer.queryName("wordcount").start();
    }

    static void writeBatch(Dataset<Row> counts, String output, long batchId) {
        counts.coalesce(1).write().mode(SaveMode.Overwrite).parquet(output + "/batch=" + batchId);
    }
}
