/** Files of an HDFS directory read through the master (one `hdfs dfs -get`, one JVM start). */
import type { NodeShell } from "./shell";

const GET_TREE = [
  't=$(mktemp -d); trap \'rm -rf "$t"\' EXIT',
  'hdfs dfs -get "$1" "$t/out" 2>/dev/null || [ -d "$t/out" ] || exit 0',
  'cd "$t/out" && find . -type f ! -name ".*.crc" | sort | while read -r f; do printf "%s %s\\n" "${f#./}" "$(base64 -w0 "$f")"; done',
].join("\n");

/** Every file below `dir` (paths relative to it); none when it does not exist yet. */
/** One file of the job's Parquet output: its path below the output directory, and its bytes. */
export interface OutputFile {
  path: string;
  bytes: Uint8Array;
}

export async function readHdfsTree(shell: NodeShell, dir: string): Promise<OutputFile[]> {
  const text = await shell.run(GET_TREE, [dir]);
  return text.split("\n").filter(Boolean).map((line) => {
    const space = line.lastIndexOf(" ");
    return { path: line.slice(0, space), bytes: new Uint8Array(Buffer.from(line.slice(space + 1), "base64")) };
  });
}
