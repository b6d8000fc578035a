/**
 * The project's import graph, read from the sources as text (static, dynamic and type imports,
 * `export ... from`, `require`), and the layer rule it must follow (docs/development.md):
 * index.ts -> stacks/ -> lib/; scripts/, bench/ -> jobs/ -> stacks/ -> lib/; scripts/ and bench/
 * never import each other; no import circle.
 */
import { readdirSync, readFileSync, statSync, existsSync } from "fs";
import { dirname, join, normalize, relative } from "path";

/** Where a file sits in the layers; what each layer may import besides itself. */
export const LAYERS = {
  lib: [],
  stacks: ["lib"],
  jobs: ["stacks", "lib"],
  scripts: ["jobs", "stacks", "lib"],
  bench: ["jobs", "stacks", "lib"],
  "index.ts": ["stacks", "lib"],
} as const satisfies Record<string, readonly string[]>;
export type Layer = keyof typeof LAYERS;

const SOURCE = /\.(ts|js)$/;
const SKIP = new Set(["node_modules", "image", "target"]);

function sourcesUnder(root: string, dir: string): string[] {
  const full = join(root, dir);
  if (!existsSync(full)) return [];
  if (statSync(full).isFile()) return SOURCE.test(dir) ? [dir] : [];
  return readdirSync(full).sort().flatMap((e) => (SKIP.has(e) ? [] : sourcesUnder(root, join(dir, e))));
}

export function layerOf(file: string): Layer | undefined {
  const top = file.split("/")[0];
  return top in LAYERS ? (top as Layer) : undefined;
}

const SPECIFIER = /(?:\bfrom\s+|\bimport\s*\(\s*|\brequire(?:\.resolve)?\s*\(\s*|^\s*import\s+)["'](\.{1,2}\/[^"']*)["']/gm;

/** Each source file's relative imports, resolved to files (root-relative paths). */
export function importGraph(root: string): Map<string, string[]> {
  const files = Object.keys(LAYERS).flatMap((d) => sourcesUnder(root, d));
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(join(root, file), "utf8");
    const targets: string[] = [];
    for (const m of text.matchAll(SPECIFIER)) {
      const base = normalize(join(dirname(file), m[1]));
      const found = [base, `${base}.ts`, `${base}.js`, join(base, "index.ts"), join(base, "index.js")].find((c) => known.has(c));
      // A path outside the layers (package.json, a test fixture) is no arrow between them.
      if (found !== undefined) targets.push(found);
      else if (layerOf(relative(".", base)) !== undefined && !base.endsWith(".json")) throw new Error(`${file}: import ${m[1]} resolves to no source file`);
    }
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Imports that run against the layers: "from -> to (from's layer may not import to's)". */
export function layerViolations(graph: Map<string, string[]>): string[] {
  const out: string[] = [];
  for (const [from, tos] of graph) {
    const a = layerOf(from)!;
    for (const to of tos) {
      const b = layerOf(to)!;
      if (a !== b && !(LAYERS[a] as readonly string[]).includes(b)) out.push(`${from} -> ${to} (${a} may not import ${b})`);
    }
  }
  return out;
}

/** Every import circle, as the files in it (Tarjan's strongly connected components of size > 1, or a self-import). */
export function importCircles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const circles: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) circles.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return circles;
}
