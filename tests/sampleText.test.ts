import { sampleLines, VOCABULARY } from "../jobs/text/sampleText";
import { expectedCounts, tokenize } from "../jobs/wordcount/tokenize";

test("the same seed gives the same lines; another seed gives others", () => {
  const a = [...sampleLines({ seed: 7, lines: 50 })];
  expect([...sampleLines({ seed: 7, lines: 50 })]).toEqual(a);
  expect([...sampleLines({ seed: 8, lines: 50 })]).not.toEqual(a);
  expect(a).toHaveLength(50);
});

test("every word of the text is a vocabulary word, and frequent words are frequent (Zipf-like)", () => {
  const counts = expectedCounts(sampleLines({ seed: 1, lines: 5000 }));
  for (const w of counts.keys()) expect(VOCABULARY).toContain(w);
  expect(counts.get("the")!).toBeGreaterThan(5 * counts.get("flux")!);
  expect(counts.size).toBe(VOCABULARY.length);
});

test("the tokenizer splits as the Spark job does (see TokenizerTest.java)", () => {
  expect(tokenize("Hello, Kafka!  hello\tSPARK...")).toEqual(["hello", "kafka", "hello", "spark"]);
  expect(tokenize("Café, Straße naïve Élève — Москва")).toEqual(["café", "straße", "naïve", "élève", "москва"]);
  expect(tokenize("Cafe\u0301")).toEqual(["cafe\u0301"]);
  expect(tokenize("  don't  stop-me 2 now!!  ")).toEqual(["don't", "stop", "me", "2", "now"]);
  expect(tokenize("Nation\u2019s rock'n'roll 1,000 'tis")).toEqual(["nation's", "rock'n'roll", "1", "000", "tis"]);
  expect(tokenize(" 42 ... ")).toEqual(["42"]);
});

test("expected counts add up to the number of words in the text", () => {
  const lines = [...sampleLines({ seed: 3, lines: 200, minWords: 5, maxWords: 5 })];
  const total = [...expectedCounts(lines).values()].reduce((a, b) => a + b, 0);
  expect(total).toBe(1000);
});
