import { homedir } from "node:os";
import { join } from "node:path";

/** A path in this project's cache directory (XDG_CACHE_HOME, else ~/.cache), outside the repository. */
export const cachePath = (...parts: string[]) => join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "kafka-spark-lab", ...parts);
