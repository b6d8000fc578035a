/**
 * `npm run brokers` prints exactly what the tutorial's `curl ... | jq -r <filter>` line prints for
 * the same Ambari answer. The tools tier: needs jq (CI installs it), no Docker.
 */
import execa from "execa";
import { brokers } from "../scripts/brokers";
import { brokerHost, DEFAULT_ACCOUNT, startFakeAmbari } from "./support/fakeAmbari";
import { runMain } from "./support/commands";

/** The tutorial's filter, verbatim (../shared/seeds, "Get the Kafka brokers"). */
const TUTORIAL_JQ_FILTER = '["\\(.host_components[].HostRoles.host_name):9092"] | join(",")';
const BROKER_PATH = "/api/v1/clusters/kafka-mylab42/services/KAFKA/components/KAFKA_BROKER";

test("the same line as `curl -u admin:$PASSWORD -G <url> | jq -r <tutorial filter>` for the same (full) payload", async () => {
  const f = await startFakeAmbari({ brokerHosts: [0, 1, 2, 3].map((n) => brokerHost(n)) }); // sorted and unique, as our output is
  try {
    // What the tutorial's curl gets: the full, untrimmed payload.
    const full = await fetch(`${f.url}${BROKER_PATH}`, { headers: { Authorization: `Basic ${Buffer.from(`admin:${DEFAULT_ACCOUNT.password}`).toString("base64")}` } });
    const { stdout: expected } = await execa("jq", ["-r", TUTORIAL_JQ_FILTER], { input: await full.text(), stripFinalNewline: false });
    const r = await runMain(brokers, ["--cluster", f.cluster, "--ambari-url", f.url, "--insecure-http"], { env: { AMBARI_PASSWORD: DEFAULT_ACCOUNT.password } });
    expect(r.exitCode).toBe(0);
    expect(expected).toBe(`${[0, 1, 2, 3].map((n) => `${brokerHost(n)}:9092`).join(",")}\n`);
    expect(r.stdout).toBe(expected);
  } finally {
    await f.close();
  }
});
