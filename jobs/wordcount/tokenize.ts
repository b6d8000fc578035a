/**
 * The project's word rule, in TypeScript: what the Spark job's Tokenizer (jobs/spark-app) counts
 * as a word, used to know the counts a job must report. tests/tokenizer.agreement.tools.test.ts runs the
 * Java Tokenizer itself on the same text and compares.
 */

/** A word as the Spark job's Tokenizer finds it: letters, marks and digits, with apostrophes inside. */
const WORD = /[\p{L}\p{M}\p{Nd}]+(?:['\u2019][\p{L}\p{M}\p{Nd}]+)*/gu;

/**
 * The words of a line exactly as the Spark job finds them (jobs/spark-app Tokenizer, the rule in
 * docs/wordcount.md): lower case; runs of letters, combining marks and digits, an apostrophe
 * inside a word kept (a typographic one written as '); everything else separates words.
 */
export function tokenize(line: string): string[] {
  return (line.toLowerCase().match(WORD) ?? []).map((w) => w.replace(/\u2019/g, "'"));
}

/** The counts the word-count job must report for these lines. */
export function expectedCounts(lines: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of lines) for (const w of tokenize(line)) counts.set(w, (counts.get(w) ?? 0) + 1);
  return counts;
}
