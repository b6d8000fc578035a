/**
 * An independent count of a text's words, for the tests to check the Spark job against: the rule
 * of docs/wordcount.md written a second way (a scanner over code points, not the job's regex nor
 * jobs/text/sampleText.ts's), so a mistake in one is not repeated in the other.
 */
const isWordChar = (ch: string) => /^[\p{L}\p{M}\p{Nd}]$/u.test(ch);
const isApostrophe = (ch: string) => ch === "'" || ch === "\u2019";

export function countWords(lines: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (w: string) => { if (w) counts.set(w, (counts.get(w) ?? 0) + 1); };
  for (const line of lines) {
    const chars = [...line.toLowerCase()];
    let word = "";
    for (let i = 0; i < chars.length; i++) {
      const ch = chars[i];
      if (isWordChar(ch)) word += ch;
      // An apostrophe joins two word characters; anywhere else it separates, like everything else.
      else if (isApostrophe(ch) && word && i + 1 < chars.length && isWordChar(chars[i + 1])) word += "'";
      else { add(word); word = ""; }
    }
    add(word);
  }
  return counts;
}
