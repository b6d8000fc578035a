/**
 * A seeded generator of realistic text for the word count: lines of words drawn from a fixed
 * vocabulary with a Zipf-like frequency (a few very common words, a long tail), punctuation and
 * capitals as in prose, some non-ASCII words. The same seed always gives the same lines, so tests
 * know the exact content (jobs/wordcount/tokenize.ts gives the counts the job must report).
 */

/** The vocabulary, most frequent first (rank r is drawn with weight 1/r). */
export const VOCABULARY = [
  "the", "of", "and", "to", "a", "in", "is", "that", "for", "it", "as", "with", "was", "on", "be",
  "by", "stream", "data", "kafka", "spark", "topic", "broker", "partition", "offset", "record",
  "cluster", "node", "batch", "window", "count", "word", "query", "sink", "source", "checkpoint",
  "replica", "leader", "consumer", "producer", "latency", "throughput", "schema", "event", "log",
  "café", "straße", "naïve", "élève", "москва", "über", "señal", "données", "flux", "réseau",
] as const;

/** mulberry32: a small, fast, well-distributed 32-bit PRNG; enough for test data, not for secrets. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SampleTextOptions {
  seed?: number;
  lines: number;
  /** Words per line, inclusive range (default 5..15). */
  minWords?: number;
  maxWords?: number;
}

export function* sampleLines({ seed = 42, lines, minWords = 5, maxWords = 15 }: SampleTextOptions): Generator<string> {
  const random = seededRandom(seed);
  const weights = VOCABULARY.map((_, r) => 1 / (r + 1));
  const cumulative: number[] = [];
  weights.reduce((sum, w, i) => (cumulative[i] = sum + w), 0);
  const total = cumulative[cumulative.length - 1];
  const pick = () => {
    const x = random() * total;
    let lo = 0, hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < x) lo = mid + 1; else hi = mid;
    }
    return VOCABULARY[lo];
  };
  for (let i = 0; i < lines; i++) {
    const n = minWords + Math.floor(random() * (maxWords - minWords + 1));
    const words: string[] = [];
    for (let w = 0; w < n; w++) {
      let word: string = pick();
      if (w === 0 || random() < 0.03) word = word[0].toUpperCase() + word.slice(1);
      words.push(word + (random() < 0.08 ? "," : ""));
    }
    yield `${words.join(" ")}${random() < 0.2 ? "!" : "."}`;
  }
}
