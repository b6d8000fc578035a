/** The configuration table (docs/configuration.md), rendered from the schema so the two cannot disagree. */
import { ALL_FIELDS, COMMON_FIELDS, LOCAL_FIELDS, PROJECT } from "./config";


function defaultOf(key: string): string {
  const parsed = ALL_FIELDS[key].schema.safeParse(undefined);
  if (!parsed.success) return "**required**";
  return parsed.data === undefined ? "" : `\`${String(parsed.data)}\``;
}

export function renderConfigTable(): string {
  const rows = Object.entries(ALL_FIELDS).map(([key, spec]) => {
    const where = key in COMMON_FIELDS ? "all" : key in LOCAL_FIELDS ? "local" : "azure";
    const set = spec.secret ? `pulumi config set --secret ${key}` : `pulumi config set ${key} ${spec.example}`;
    return `| \`${key}\` | ${where} | ${defaultOf(key)} | ${spec.description.replace(/\|/g, "\\|")} | \`${set}\` |`;
  });
  return [
    `Keys live in the \`${PROJECT}\` namespace (\`pulumi config set KEY VALUE\` adds it for you).`,
    "",
    "| key | target | default | what it is | how to set |",
    "|---|---|---|---|---|",
    ...rows,
  ].join("\n");
}
