"""The word count of jobs/spark-app (SparkKafkaWordCount.java) in PySpark: same arguments, same
sinks, same "[wordcount]" progress lines, and the same counts.

  spark-submit wordcount.py BROKERS TOPICS GROUP [--sink console|kafka|parquet] [--counts-topic T]
      [--output DIR] [--checkpoint DIR] [--trigger SECONDS|<n>ms|available-now]
      [--starting-offsets earliest|latest] [--max-offsets-per-trigger N] [--shuffle-partitions N]

From this repository: npm run submit -- --py jobs/spark-app/python/wordcount.py -- <the arguments>.

The words are found by Spark SQL's regexp_extract_all, a JVM regex: the very pattern of
Tokenizer.java, so both jobs split text the same way (Python's re has no \\p{L}).
"""
import argparse
import json
import sys

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

# Tokenizer.java's pattern: letters, marks and digits, joined by an apostrophe between two of them.
WORD = "[\\p{L}\\p{M}\\p{Nd}]+(?:['\u2019][\\p{L}\\p{M}\\p{Nd}]+)*"
PREFIX = "[wordcount] "


def parse(argv):
    p = argparse.ArgumentParser(prog="wordcount.py", description="Counts the words of a Kafka topic (Structured Streaming).")
    p.add_argument("bootstrap_servers")
    p.add_argument("topics")
    p.add_argument("group_id")
    p.add_argument("--sink", choices=["console", "kafka", "parquet"], default="console")
    p.add_argument("--counts-topic")
    p.add_argument("--output")
    p.add_argument("--checkpoint")
    p.add_argument("--trigger", default="1")
    p.add_argument("--starting-offsets", choices=["earliest", "latest"], default="latest")
    p.add_argument("--max-offsets-per-trigger", type=int)
    p.add_argument("--shuffle-partitions", type=int, default=4)
    o = p.parse_args(argv)
    if o.sink == "parquet" and not o.output:
        p.error("--sink parquet needs --output <path>")
    if o.sink != "console" and not o.checkpoint:
        p.error(f"--sink {o.sink} needs --checkpoint <path>: without it a restart would lose or repeat counts")
    if o.sink == "kafka" and not o.counts_topic:
        o.counts_topic = o.topics.split(",")[0] + "-counts"
    t = o.trigger
    if t != "available-now" and not (t.isdigit() or (t.endswith("ms") and t[:-2].isdigit())):
        p.error(f"--trigger {t}: expected seconds, <n>ms or available-now")
    return o


def words(lines):
    """Every word of every line, one row each (column "word"), as Tokenizer.words finds them."""
    found = F.expr("regexp_extract_all(lower(value), pattern, 0)")
    return (lines.withColumn("pattern", F.lit(WORD))
            .select(F.explode(found).alias("word"))
            .select(F.translate("word", "\u2019", "'").alias("word")))


def count(lines):
    return words(lines).groupBy("word").count()


def follow(query):
    """One plain line per started query and per batch that did work (and the first), as
    ProgressLines.java prints them, from the query's own progress reports: a Python listener
    would be called through Py4J after the query ended, racing the interpreter's exit."""
    print(f"{PREFIX}started id={query.id} run={query.runId}", flush=True)
    printed = -1

    def report():
        nonlocal printed
        for p in query.recentProgress:
            if p["batchId"] <= printed or (p["numInputRows"] == 0 and printed >= 0):
                continue
            printed = p["batchId"]
            took = p.get("batchDuration", p.get("durationMs", {}).get("triggerExecution", 0))
            print(f"{PREFIX}batch {p['batchId']}: {p['numInputRows']} rows in {took} ms", flush=True)
            for source in p.get("sources", []):
                end = source.get("endOffset")
                if end is not None:
                    end = end if isinstance(end, str) else json.dumps(end, separators=(",", ":"))
                    print(f"{PREFIX}offsets {p['batchId']} {''.join(end.split())}", flush=True)

    try:
        while not query.awaitTermination(0.2):
            report()
    except Exception as e:
        report()
        print(f"{PREFIX}stopped: {e}", flush=True)
        raise
    report()


def main(argv):
    o = parse(argv)
    spark = SparkSession.builder.getOrCreate()
    spark.conf.set("spark.sql.shuffle.partitions", str(o.shuffle_partitions))

    reader = (spark.readStream.format("kafka")
              .option("kafka.bootstrap.servers", o.bootstrap_servers)
              .option("subscribe", o.topics)
              .option("kafka.group.id", o.group_id)
              .option("startingOffsets", o.starting_offsets)
              .option("failOnDataLoss", "false"))
    if o.max_offsets_per_trigger is not None:
        reader = reader.option("maxOffsetsPerTrigger", o.max_offsets_per_trigger)
    lines = reader.load().selectExpr("CAST(value AS STRING) AS value")

    if o.sink == "kafka":
        # Update mode, keyed by word: the latest record per word is its count (as the Java job).
        writer = (count(lines).selectExpr("word AS key", "CAST(`count` AS STRING) AS value")
                  .writeStream.outputMode("update").format("kafka")
                  .option("kafka.bootstrap.servers", o.bootstrap_servers)
                  .option("topic", o.counts_topic))
    elif o.sink == "parquet":
        output = o.output

        def write_batch(batch, batch_id):
            # Each batch's counts in their own directory, overwritten when a batch is replayed.
            batch.groupBy("word").count().coalesce(1).write.mode("overwrite").parquet(f"{output}/batch={batch_id}")

        writer = words(lines).writeStream.foreachBatch(write_batch)
    else:
        writer = count(lines).writeStream.outputMode("complete").format("console")
    if o.checkpoint:
        writer = writer.option("checkpointLocation", o.checkpoint)
    if o.trigger == "available-now":
        writer = writer.trigger(availableNow=True)
    else:
        ms = int(o.trigger[:-2]) if o.trigger.endswith("ms") else 1000 * int(o.trigger)
        writer = writer.trigger(processingTime=f"{ms} milliseconds")
    follow(writer.queryName("wordcount").start())
    print(PREFIX + "finished", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
