"""
The training run behind the Spark drivers' class-data archive (see train-cds.sh): the word
count's path once, end to end, so the JVM records the classes it takes: a batch write of lines to
Kafka, then a streaming read of them, split into words, counted in state, written back to Kafka.
"""
import sys
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

brokers, checkpoint = sys.argv[1], sys.argv[2]
spark = SparkSession.builder.appName("cds-training").getOrCreate()
lines = spark.createDataFrame([(f"the quick brown fox number {i} jumps over the lazy dog's {i % 7} tails",) for i in range(2000)], ["value"])
lines.write.format("kafka").option("kafka.bootstrap.servers", brokers).option("topic", "cds-lines").save()
stream = (spark.readStream.format("kafka").option("kafka.bootstrap.servers", brokers).option("subscribe", "cds-lines")
          .option("startingOffsets", "earliest").load())
words = stream.select(F.explode(F.regexp_extract_all(F.lower(F.col("value").cast("string")), F.lit(r"(\p{L}+)"), 1)).alias("word"))
counts = words.groupBy("word").count()
query = (counts.select(F.col("word").alias("key"), F.col("count").cast("string").alias("value")).writeStream
         .format("kafka").option("kafka.bootstrap.servers", brokers).option("topic", "cds-counts")
         .option("checkpointLocation", checkpoint).outputMode("update").trigger(availableNow=True).start())
query.awaitTermination()
spark.stop()
