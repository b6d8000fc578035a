/** The job's command line and the results table: pure functions, checked without a cluster. */
import { topWords, wordTable } from "../jobs/wordcount/results";
import { wordCountArgs } from "../jobs/wordcount/job";

describe("wordCountArgs", () => {
  const base = { name: "wc", topic: "lines", trigger: 1 as const, startingOffsets: "earliest" as const };

  test("starts with the lab's three positional arguments, so the job reads them as the lab did", () => {
    expect(wordCountArgs({ ...base, sink: "console" }, "b:9092").slice(0, 3)).toEqual(["b:9092", "lines", "kafka-spark-lab-wc"]);
  });

  test("kafka sink: counts topic <topic>-counts and a checkpoint under the job's directory by default", () => {
    expect(wordCountArgs({ ...base, sink: "kafka" }, "b:9092")).toEqual(["b:9092", "lines", "kafka-spark-lab-wc", "--sink", "kafka",
      "--counts-topic", "lines-counts", "--checkpoint", "/kafka-spark-lab/wc/checkpoint", "--trigger", "1", "--starting-offsets", "earliest"]);
  });

  test("parquet sink: output and checkpoint as given; caps passed through", () => {
    const args = wordCountArgs({ ...base, sink: "parquet", output: "/o", checkpoint: "/c", trigger: "available-now", maxOffsetsPerTrigger: 10, shufflePartitions: 2 }, "b");
    expect(args.slice(3)).toEqual(["--sink", "parquet", "--output", "/o", "--checkpoint", "/c", "--trigger", "available-now",
      "--starting-offsets", "earliest", "--max-offsets-per-trigger", "10", "--shuffle-partitions", "2"]);
  });

  test("console sink: no checkpoint unless asked, as in the lab", () => {
    expect(wordCountArgs({ ...base, sink: "console" }, "b")).not.toContain("--checkpoint");
    expect(wordCountArgs({ ...base, sink: "console", checkpoint: "/c" }, "b")).toContain("/c");
  });
});

describe("top words", () => {
  const counts = new Map([["b", 2], ["a", 2], ["the", 5], ["z", 1]]);

  test("most frequent first; ties alphabetical; cut at n", () => {
    expect(topWords(counts, 3)).toEqual([{ word: "the", count: 5 }, { word: "a", count: 2 }, { word: "b", count: 2 }]);
  });

  test("the table has rank, word, count and share, and a summary line", () => {
    expect(wordTable(counts, 2).split("\n")).toEqual([
      "| # | word | count |  share |",
      "|--:|:-----|------:|-------:|",
      "| 1 | the  |     5 | 50.0 % |",
      "| 2 | a    |     2 | 20.0 % |",
      "4 distinct words, 10 in all",
    ]);
  });
});
