/**
 * The Spark job's own tokenizer (jobs/spark-app/src/main/java/spark/kafka/Tokenizer.java, compiled as it is, no Spark
 * needed) and the tests' independent count (tests/support/wordCount.ts) agree word for word on the
 * whole corpus, 1790-2021: the expected counts of every live test rest on that.
 */
import execa from "execa";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { corpusSource } from "../jobs/text/source";
import { countWords } from "./support/wordCount";

const TOKENIZER = join(__dirname, "..", "jobs", "spark-app", "src", "main", "java", "spark", "kafka", "Tokenizer.java");

/** Reads lines on stdin, prints "word<TAB>count" per distinct word, through the job's Tokenizer.words. */
const HARNESS = `
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.util.*;
public class WordsOfLines {
  public static void main(String[] args) throws IOException {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    Map<String, Integer> counts = new HashMap<>();
    for (String line; (line = in.readLine()) != null; ) for (String w : spark.kafka.Tokenizer.words(line)) counts.merge(w, 1, Integer::sum);
    PrintStream out = new PrintStream(new BufferedOutputStream(System.out), false, StandardCharsets.UTF_8);
    for (Map.Entry<String, Integer> e : counts.entrySet()) out.println(e.getKey() + "\\t" + e.getValue());
    out.flush();
  }
}
`;

test("the Java job's tokenizer and the independent count agree on every word of the whole corpus", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tokenizer-"));
  try {
    writeFileSync(join(dir, "WordsOfLines.java"), HARNESS);
    await execa("javac", ["-encoding", "UTF-8", "-d", dir, TOKENIZER, join(dir, "WordsOfLines.java")]);
    const lines = [...corpusSource({ from: 1790 }).lines() as Iterable<string>];
    const java = await execa("java", ["-cp", dir, "WordsOfLines"], { input: lines.join("\n"), maxBuffer: 64 * 1024 * 1024 });
    const fromJava = new Map(java.stdout.split("\n").filter(Boolean).map((l) => { const [w, n] = l.split("\t"); return [w, Number(n)] as [string, number]; }));
    const independent = countWords(lines);
    // A real text: tens of thousands of distinct words, about 1.8 million in all.
    expect(independent.size).toBeGreaterThan(20_000);
    expect([...independent.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(1_700_000);
    expect(new Map([...fromJava].sort())).toEqual(new Map([...independent].sort()));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);
