package spark.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The job's command line: the lab's three positional arguments (bootstrap servers, topics, group
 * id) keep their meaning; everything else is an option with a default that matches the lab.
 */
public final class JobOptions {
    public enum Sink { CONSOLE, KAFKA, PARQUET }

    public static final String USAGE = String.join("\n",
        "Usage: SparkKafkaWordCount <bootstrap-servers> <subscribe-topics> <group-id> [options]",
        "  --sink console|kafka|parquet   where counts go (default console, as in the lab)",
        "  --counts-topic <name>          kafka sink: topic of counts, key word, value count (default <first topic>-counts)",
        "  --output <path>                parquet sink: directory, e.g. hdfs://hadoop-master:9000/wordcount",
        "  --checkpoint <path>            checkpoint directory (required for kafka and parquet sinks)",
        "  --trigger <seconds>|<n>ms|available-now   micro-batch interval (default 1 s) or drain and stop",
        "  --starting-offsets earliest|latest  where a new query starts (default latest, as in the lab)",
        "  --max-offsets-per-trigger <n>  cap per micro-batch (default none)",
        "  --shuffle-partitions <n>       spark.sql.shuffle.partitions (default 4, not Spark's 200)");

    public String bootstrapServers;
    public String topics;
    public String groupId;
    public Sink sink = Sink.CONSOLE;
    public String countsTopic;
    public String output;
    public String checkpoint;
    /** Null means available-now. */
    /** Milliseconds between micro-batches; null: available-now. */
    public Long triggerMillis = 1000L;
    public String startingOffsets = "latest";
    public Long maxOffsetsPerTrigger;
    public int shufflePartitions = 4;

    /** Thrown for any bad argument: the message names it and says what is expected. */
    public static final class UsageException extends IllegalArgumentException {
        public UsageException(String message) {
            super(message + "\n" + USAGE);
        }
    }

    public static JobOptions parse(String[] args) {
        JobOptions o = new JobOptions();
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                positional.add(a);
                continue;
            }
            if (i + 1 >= args.length) throw new UsageException(a + " needs a value");
            String v = args[++i];
            switch (a) {
                case "--sink":
                    try {
                        o.sink = Sink.valueOf(v.toUpperCase(Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        throw new UsageException("--sink " + v + ": expected console, kafka or parquet");
                    }
                    break;
                case "--counts-topic": o.countsTopic = v; break;
                case "--output": o.output = v; break;
                case "--checkpoint": o.checkpoint = v; break;
                case "--trigger":
                    o.triggerMillis = "available-now".equals(v) ? null
                        : v.endsWith("ms") ? positiveLong("--trigger", v.substring(0, v.length() - 2)) : positiveLong("--trigger", v) * 1000;
                    break;
                case "--starting-offsets":
                    if (!v.equals("earliest") && !v.equals("latest")) throw new UsageException("--starting-offsets " + v + ": expected earliest or latest");
                    o.startingOffsets = v;
                    break;
                case "--max-offsets-per-trigger": o.maxOffsetsPerTrigger = positiveLong(a, v); break;
                case "--shuffle-partitions": o.shufflePartitions = (int) Math.min(positiveLong(a, v), 10_000); break;
                default: throw new UsageException("unknown option " + a);
            }
        }
        if (positional.size() != 3) throw new UsageException("expected 3 positional arguments, got " + positional.size());
        o.bootstrapServers = positional.get(0);
        o.topics = positional.get(1);
        o.groupId = positional.get(2);
        if (o.countsTopic == null) o.countsTopic = o.topics.split(",")[0] + "-counts";
        if (o.sink == Sink.PARQUET && o.output == null) throw new UsageException("--sink parquet needs --output <path>");
        if (o.sink != Sink.CONSOLE && o.checkpoint == null) {
            throw new UsageException("--sink " + o.sink.name().toLowerCase(Locale.ROOT) + " needs --checkpoint <path>: without it a restart would lose or repeat counts");
        }
        return o;
    }

    private static long positiveLong(String flag, String v) {
        try {
            long n = Long.parseLong(v);
            if (n > 0) return n;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new UsageException(flag + " " + v + ": expected a whole number above 0");
    }
}
