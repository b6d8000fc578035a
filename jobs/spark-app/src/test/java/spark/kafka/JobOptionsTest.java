package spark.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class JobOptionsTest {
    @Test
    void theLabsThreeArgumentsAloneMeanConsoleOutputEverySecondFromTheLatestOffsets() {
        JobOptions o = JobOptions.parse(new String[] {"localhost:9092", "Hello-Kafka", "mySparkConsumerGroup"});
        assertEquals("localhost:9092", o.bootstrapServers);
        assertEquals("Hello-Kafka", o.topics);
        assertEquals("mySparkConsumerGroup", o.groupId);
        assertEquals(JobOptions.Sink.CONSOLE, o.sink);
        assertEquals(1000L, o.triggerMillis);
        assertEquals("latest", o.startingOffsets);
        assertEquals("Hello-Kafka-counts", o.countsTopic);
    }

    @Test
    void optionsMayComeBeforeOrAfterThePositionalArguments() {
        JobOptions o = JobOptions.parse(new String[] {"--sink", "parquet", "b:9092", "--output", "hdfs:///wc", "t", "g",
            "--checkpoint", "/cp", "--trigger", "available-now", "--max-offsets-per-trigger", "5000", "--shuffle-partitions", "6"});
        assertEquals(JobOptions.Sink.PARQUET, o.sink);
        assertEquals("hdfs:///wc", o.output);
        assertNull(o.triggerMillis);
        assertEquals(5000L, o.maxOffsetsPerTrigger);
        assertEquals(6, o.shufflePartitions);
    }

    @Test
    void badArgumentsAreNamedWithWhatIsExpected() {
        assertTrue(assertThrows(JobOptions.UsageException.class, () -> JobOptions.parse(new String[] {"b", "t"}))
            .getMessage().startsWith("expected 3 positional arguments, got 2"));
        assertTrue(assertThrows(JobOptions.UsageException.class, () -> JobOptions.parse(new String[] {"b", "t", "g", "--sink", "hdfs"}))
            .getMessage().startsWith("--sink hdfs: expected console, kafka or parquet"));
        assertTrue(assertThrows(JobOptions.UsageException.class, () -> JobOptions.parse(new String[] {"b", "t", "g", "--sink", "kafka"}))
            .getMessage().startsWith("--sink kafka needs --checkpoint <path>"));
        assertEquals(500L, JobOptions.parse(new String[] {"b", "t", "g", "--trigger", "500ms"}).triggerMillis);
        assertEquals(3000L, JobOptions.parse(new String[] {"b", "t", "g", "--trigger", "3"}).triggerMillis);
        assertTrue(assertThrows(JobOptions.UsageException.class, () -> JobOptions.parse(new String[] {"b", "t", "g", "--trigger", "0"}))
            .getMessage().startsWith("--trigger 0: expected a whole number above 0"));
        assertTrue(assertThrows(JobOptions.UsageException.class, () -> JobOptions.parse(new String[] {"b", "t", "g", "--sink", "parquet", "--checkpoint", "/c"}))
            .getMessage().startsWith("--sink parquet needs --output <path>"));
    }
}
