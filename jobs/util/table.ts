/**
 * The one Markdown table renderer for results people look at (readable raw, renders in a README).
 * Per column: "left" (padded right, rule ":---"), "right" (padded left, rule "---:") or "plain"
 * (padded right, rule "----").
 */
export type Align = "left" | "right" | "plain";

export function markdownTable(head: string[], rows: string[][], align: Align[]): string {
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => `| ${cells.map((x, c) => (align[c] === "right" ? x.padStart(widths[c]) : x.padEnd(widths[c]))).join(" | ")} |`;
  const rule = `|${widths.map((w, c) => (align[c] === "left" ? `:${"-".repeat(w + 1)}` : align[c] === "right" ? `${"-".repeat(w + 1)}:` : "-".repeat(w + 2))).join("|")}|`;
  return [line(head), rule, ...rows.map(line)].join("\n");
}
