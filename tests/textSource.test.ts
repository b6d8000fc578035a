/** What the word count counts: a user's file is checked whole before anything is loaded, then streamed; the corpus and the sample as described. */
import { mkdtempSync, writeFileSync, openSync, writeSync, closeSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { chooseTextSource, corpusSource, fileSource } from "../jobs/text/source";
import { countWords } from "./support/wordCount";
import { expectedCounts } from "../jobs/wordcount/tokenize";
import { sotuLines } from "../jobs/text/corpus";

const dir = mkdtempSync(join(tmpdir(), "text-source-"));
const file = (name: string, bytes: string | Buffer) => { const p = join(dir, name); writeFileSync(p, bytes); return p; };

test.each([
  ["a missing file", join(dir, "nosuch.txt"), /nosuch\.txt: no such file/],
  ["a directory", dir, /: is a directory; give a text file/],
  ["an empty file", file("empty.txt", ""), /empty\.txt: is empty/],
  ["Latin-1 bytes", file("latin1.txt", Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a])), /latin1\.txt: is not UTF-8 text \(invalid bytes within bytes 0-5\); convert it first/],
  ["a file cut inside a character", file("cut.txt", Buffer.from([0x61, 0x0a, 0xc3])), /cut\.txt: is not UTF-8 text \(it ends inside a character\)/],
  ["a device", "/dev/null", /\/dev\/null: is not a regular file/],
])("%s is refused, naming the file and why", async (_, path, message) => {
  await expect(fileSource(path)).rejects.toThrow(message);
  await expect(fileSource(path)).rejects.toMatchObject({ exitCode: 2 });
});

test("a UTF-8 file: its lines counted, then streamed as they are (last line without a newline too)", async () => {
  const src = await fileSource(file("ok.txt", "Café straße\nnation’s don't\nlast line"));
  expect(src.lineCount).toBe(3);
  const lines: string[] = [];
  for await (const l of src.lines()) lines.push(l);
  expect(lines).toEqual(["Café straße", "nation’s don't", "last line"]);
});

test("a large file streams: reading it keeps memory flat (100 MB file, heap grows by far less)", async () => {
  const path = join(dir, "big.txt");
  const fd = openSync(path, "w");
  const chunk = "the quick brown fox jumps over the lazy dog\n".repeat(20_000);
  for (let i = 0; i < Math.ceil(100e6 / chunk.length); i++) writeSync(fd, chunk);
  closeSync(fd);
  const before = process.memoryUsage().rss;
  const src = await fileSource(path);
  let n = 0;
  for await (const line of src.lines()) n += line.length >= 0 ? 1 : 0;
  expect(n).toBe(src.lineCount);
  expect(process.memoryUsage().rss - before).toBeLessThan(60e6);
}, 60_000);

test("one text at a time; the default is the real corpus since 1960", async () => {
  await expect(chooseTextSource({ file: "a", lines: 3 })).rejects.toThrow(/give one text: --file or --lines, not both/);
  await expect(chooseTextSource({ seed: 3 })).rejects.toThrow(/--seed goes with --lines/);
  expect((await chooseTextSource({})).describe).toMatch(/^State of the Union addresses 1960-2021 \(18,797 lines\)$/);
  expect((await chooseTextSource({ lines: 10, seed: 1 })).describe).toBe("10 lines of seeded sample text (seed 1)");
});

test("on the whole corpus, the job's rule (jobs/text/sampleText.ts tokenize) and the independent count agree word for word", () => {
  const lines = [...corpusSource({ from: 1790 }).lines() as Iterable<string>];
  expect(lines.length).toBe(63_559);
  expect(new Map([...expectedCounts(lines)].sort())).toEqual(new Map([...countWords(lines)].sort()));
  expect([...sotuLines({ from: 2021 })].length).toBeGreaterThan(300);
});
