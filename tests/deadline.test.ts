/**
 * Moving an Azure stack's deadline (npm run extend) with a stand-in for the Pulumi stack: the
 * new time, its bounds, the config write and the `pulumi up` that applies it, and the config put
 * back when the update fails. The resources the deadline drives are in tests/azure.autoDelete.test.ts and azure.autoDeleteExplicit.test.ts.
 */
import { extendDeadline, newDeadline, type DeadlineStack } from "../jobs/azure/deadline";
import { DeadlineError, EXIT, PulumiUpdateError, UsageError } from "../lib/errors";
import { parseExtension } from "../scripts/extend";

const NOW = new Date("2026-12-02T06:30:20Z");
const hours = (h: number) => new Date(NOW.getTime() + h * 3_600_000).toISOString();

describe("newDeadline", () => {
  test("--by counts from the current deadline, on a whole minute", () => {
    expect(newDeadline("2026-12-02T14:31:00.000Z", { byMinutes: 240 }, NOW).toISOString()).toBe("2026-12-02T18:31:00.000Z");
  });
  test("--by counts from now when the deadline has passed", () => {
    expect(newDeadline("2026-12-02T05:00:00.000Z", { byMinutes: 120 }, NOW).toISOString()).toBe("2026-12-02T08:31:00.000Z");
  });
  test("--until is taken as given", () => {
    expect(newDeadline(hours(8), { until: new Date("2026-12-03T18:00:00Z") }, NOW).toISOString()).toBe("2026-12-03T18:00:00.000Z");
  });
  test("less than an hour away or more than 7 days away is refused, saying why", () => {
    expect(() => newDeadline(hours(8), { until: new Date(hours(0.5)) }, NOW)).toThrow(/less than an hour away/);
    expect(() => newDeadline(hours(6 * 24), { byMinutes: 2 * 24 * 60 }, NOW)).toThrow(/more than 7 days away/);
  });
});

function fakeStack(o: { autoDeleteAt?: string; target?: string; upFails?: boolean }) {
  const calls: string[] = [];
  let expiresAt: string | undefined;
  const stack: DeadlineStack = {
    outputs: async () => ({ target: o.target ?? "azure", autoDeleteAt: o.autoDeleteAt }),
    getExpiresAt: async () => expiresAt,
    setExpiresAt: async (v) => { calls.push(`set ${v ?? "(removed)"}`); expiresAt = v; },
    up: async (onOutput) => { calls.push(`up with expiresAt ${expiresAt}`); onOutput("Updating (azure):\n"); if (o.upFails) throw new PulumiUpdateError("pulumi up --stack azure failed: AuthorizationFailed"); },
  };
  return { stack, calls, expiresAt: () => expiresAt };
}

describe("extendDeadline", () => {
  test("writes the new time as expiresAt, then runs pulumi up with it", async () => {
    const f = fakeStack({ autoDeleteAt: "2026-12-02T14:31:00.000Z" });
    const notes: string[] = [];
    expect(await extendDeadline(f.stack, { byMinutes: 240 }, NOW, (m) => notes.push(m))).toEqual({ from: "2026-12-02T14:31:00.000Z", to: "2026-12-02T18:31:00.000Z" });
    expect(f.calls).toEqual(["set 2026-12-02T18:31:00.000Z", "up with expiresAt 2026-12-02T18:31:00.000Z"]);
    expect(notes.join("\n")).toMatch(/was unset: deadline from autoDeleteAfter/);
  });

  test("a failed pulumi up puts the previous config back and says the deadline did not move", async () => {
    const f = fakeStack({ autoDeleteAt: "2026-12-02T14:31:00.000Z", upFails: true });
    const e = (await extendDeadline(f.stack, { byMinutes: 60 }, NOW, () => undefined).catch((x: unknown) => x)) as DeadlineError;
    expect(e).toBeInstanceOf(DeadlineError);
    expect(e.reason).toBe("update");
    expect(e.message).toContain("the deadline is still 2026-12-02T14:31:00.000Z");
    expect(e.message).toBe("pulumi up --stack azure failed: AuthorizationFailed; the deadline is still 2026-12-02T14:31:00.000Z and the config is as it was");
    expect(e.cause).toBeInstanceOf(PulumiUpdateError);
    expect(e.exitCode).toBe(EXIT.PULUMI);
    expect(f.expiresAt()).toBeUndefined();
    expect(f.calls.at(-1)).toBe("set (removed)");
  });

  test("a stack without a deadline, or not on Azure, is refused before anything changes", async () => {
    for (const o of [{ autoDeleteAt: "off" }, { target: "local" }]) {
      const f = fakeStack(o);
      const e = (await extendDeadline(f.stack, { byMinutes: 60 }, NOW, () => undefined).catch((x: unknown) => x)) as DeadlineError;
      expect(e.reason).toBe("stack");
      expect(f.calls).toEqual([]);
    }
  });

  test("a deadline out of bounds is refused before anything changes", async () => {
    const f = fakeStack({ autoDeleteAt: hours(8) });
    await expect(extendDeadline(f.stack, { byMinutes: 7 * 24 * 60 }, NOW, () => undefined)).rejects.toThrow(/more than 7 days/);
    expect(f.calls).toEqual([]);
  });
});

describe("npm run extend's flags", () => {
  test.each([
    [undefined, undefined, /give one of --by/],
    ["4h", "2026-12-03T18:00:00Z", /give one of --by/],
    ["a while", undefined, /--by a while: expected a duration/],
    [undefined, "tomorrow", /--until tomorrow: expected a UTC time/],
  ])("--by %s --until %s is a usage error", (by, until, message) => {
    expect(() => parseExtension(by, until)).toThrow(UsageError);
    expect(() => parseExtension(by, until)).toThrow(message);
  });
  test("durations and times", () => {
    expect(parseExtension("90m", undefined)).toEqual({ byMinutes: 90 });
    expect(parseExtension(undefined, "2026-12-03T18:00:00Z")).toEqual({ until: new Date("2026-12-03T18:00:00Z") });
  });
});
