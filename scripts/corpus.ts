// npm run corpus: writes a real text to count, the State of the Union addresses (jobs/text/corpus.ts),
// one sentence per line, to a file or stdout.
import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { SOTU_SOURCE, sotuLines } from "../jobs/text/corpus";
import { EXIT, UsageError } from "../lib/errors";
import { defineCommand, intFlag, runCli } from "../jobs/cli/command";

export const corpus = defineCommand({
  name: "corpus",
  usage: `Usage: npm run corpus -- [--from <year>] [--to <year>] [--out <file>]

Writes the ${SOTU_SOURCE}, one sentence per line, in the order they were given: a real text to load
and count. Without --out, to stdout.
  --from <year>   first year (default 1790)
  --to <year>     last year (default 2021)
  --out <file>    the file to write (replaced)
`,
  exits: ["USAGE"],
  options: { from: { type: "string" }, to: { type: "string" }, out: { type: "string" } },
  async run(f, c) {
    const from = intFlag("from", f.from, 1790, 1790, 2021);
    const to = intFlag("to", f.to, 2021, from, 2021);
    if (f.out === undefined) {
      for (const line of sotuLines({ from, to })) c.out(`${line}\n`);
      return EXIT.OK;
    }
    const file = createWriteStream(f.out);
    file.on("error", () => undefined);
    let lines = 0;
    try {
      for (const line of sotuLines({ from, to })) {
        if (!file.write(`${line}\n`)) await once(file, "drain");
        lines++;
      }
      file.end();
      await once(file, "finish");
    } catch (e) {
      throw new UsageError(`--out ${f.out}: ${(e as Error).message}`, { cause: e });
    }
    c.note(`${lines.toLocaleString("en-US")} lines (${from}-${to}) written to ${f.out}`);
    return EXIT.OK;
  },
});

export const { main, USAGE } = corpus;

if (require.main === module) runCli(corpus, "corpus");
