/**
 * What the word count counts: the real text by default (State of the Union addresses, a slice of
 * them or all), any UTF-8 text file of the user's, or the seeded synthetic text the tests use for
 * exact, tiny inputs. A file is checked before anything is loaded (exists, is a file, is not
 * empty, is UTF-8) and then streamed: a file of any size is loaded with flat memory.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { sotuLines } from "./corpus";
import { UsageError } from "../../lib/errors";
import { linesOf } from "../kafka/loader";
import { sampleLines } from "./sampleText";

export interface TextSource {
  /** For people: "State of the Union addresses 1960-2021 (18,797 lines)". */
  describe: string;
  /** Lines in the source, when known before loading. */
  lineCount?: number;
  lines(): Iterable<string> | AsyncIterable<string>;
}

/** The demo's default: the addresses since 1960, about 19,000 sentences, 373,000 words. */
export const DEFAULT_CORPUS_FROM = 1960;

export function corpusSource(o: { from?: number; to?: number } = {}): TextSource {
  const from = o.from ?? DEFAULT_CORPUS_FROM;
  const to = o.to ?? 2021;
  const lineCount = [...sotuLines({ from, to })].length;
  return { describe: `State of the Union addresses ${from}-${to} (${lineCount.toLocaleString("en-US")} lines)`, lineCount, lines: () => sotuLines({ from, to }) };
}

export function sampleSource(o: { seed: number; lines: number }): TextSource {
  return { describe: `${o.lines.toLocaleString("en-US")} lines of seeded sample text (seed ${o.seed})`, lineCount: o.lines, lines: () => sampleLines(o) };
}


/**
 * A user's text file, refused with the reason and the file named when it does not exist, is a
 * directory or something other than a file, is empty, cannot be read, or is not UTF-8 (checked
 * by reading it once, in chunks, before anything is loaded).
 */
export async function fileSource(path: string, flag = "--file"): Promise<TextSource> {
  const info = await stat(path).catch((e: NodeJS.ErrnoException) => {
    throw new UsageError(`${flag} ${path}: ${e.code === "ENOENT" ? "no such file" : e.code === "EACCES" ? "permission denied" : e.message}`, { cause: e });
  });
  if (info.isDirectory()) throw new UsageError(`${flag} ${path}: is a directory; give a text file`);
  if (!info.isFile()) throw new UsageError(`${flag} ${path}: is not a regular file; give a text file`);
  if (info.size === 0) throw new UsageError(`${flag} ${path}: is empty; give a text file with at least one line`);
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let lineCount = 0;
  let offset = 0;
  let last = 10;
  try {
    for await (const chunk of createReadStream(path)) {
      const bytes = chunk as Buffer;
      try {
        decoder.decode(bytes, { stream: true });
      } catch {
        throw new UsageError(`${flag} ${path}: is not UTF-8 text (invalid bytes within bytes ${offset.toLocaleString("en-US")}-${(offset + bytes.length).toLocaleString("en-US")}); convert it first, e.g. iconv -f latin1 -t utf-8`);
      }
      for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, i + 1)) lineCount++;
      last = bytes[bytes.length - 1];
      offset += bytes.length;
    }
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${flag} ${path}: cannot be read (${(e as Error).message})`, { cause: e });
  }
  try {
    decoder.decode();
  } catch {
    throw new UsageError(`${flag} ${path}: is not UTF-8 text (it ends inside a character); convert it first, e.g. iconv -f latin1 -t utf-8`);
  }
  if (last !== 10) lineCount++;
  return { describe: `${path} (${lineCount.toLocaleString("en-US")} lines)`, lineCount, lines: () => linesOf(path) };
}

/** The source the demo and the word count were asked for: one of a file, the seeded sample, or (default) the corpus. */
export async function chooseTextSource(o: { file?: string; lines?: number; seed?: number; from?: number; to?: number }): Promise<TextSource> {
  const given = [o.file !== undefined && "--file", o.lines !== undefined && "--lines", (o.from !== undefined || o.to !== undefined) && "--from/--to"].filter(Boolean);
  if (given.length > 1) throw new UsageError(`give one text: ${given.join(" or ")}, not both`);
  if (o.seed !== undefined && o.lines === undefined) throw new UsageError("--seed goes with --lines (the seeded sample text)");
  if (o.file !== undefined) return fileSource(o.file);
  if (o.lines !== undefined) return sampleSource({ seed: o.seed ?? 42, lines: o.lines });
  if (o.from !== undefined && o.to !== undefined && o.from > o.to) throw new UsageError(`--from ${o.from} --to ${o.to}: the first year is after the last`);
  return corpusSource({ from: o.from, to: o.to });
}

/** The usage lines of those flags, for the commands that take them. */
export const TEXT_FLAGS_HELP = `What to count (default: the State of the Union addresses since ${DEFAULT_CORPUS_FROM}, a real text):
  --from <year> --to <year>   another slice of the addresses (1790-2021; the whole corpus: --from 1790)
  --file <path>          a UTF-8 text file of yours, one record per line (checked, then streamed)
  --lines <n> [--seed <n>]   the seeded synthetic sample text instead (default seed 42)`;
