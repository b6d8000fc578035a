/**
 * A twin's own trust anchors, read from its head nodes' containers: each gateway's self-signed
 * certificate (made at the node's first start) and each sshd host key. With them the Azure path
 * talks to the twin with every check on: HTTPS verified against exactly that certificate, the SSH
 * host key pinned. Azure stacks need neither (public CAs, the user's known_hosts).
 */
import { Agent, fetch as undiciFetch } from "undici";
import { fingerprintOf, publicKeyBlob } from "../kafka/sshGateway";
import { dockerExec, type ExecInContainer } from "../local/cluster";
import { parseTwinOutputs, type StackOutputs } from "../pulumiStack";

export const GATEWAY_CERTIFICATE_PATH = "/data/gateway/cert.pem";
export const HEAD_HOST_KEY_PATH = "/data/ssh/ssh_host_ed25519_key.pub";

export type TwinCluster = "kafka" | "spark";

export interface TwinAccess {
  /** PEM of the gateway's certificate. */
  gatewayCertificate: string;
  /** SHA256 fingerprint of the head node's sshd host key. */
  sshHostKeyFingerprint: string;
}

export type ReadTwinAccess = (head: string) => Promise<TwinAccess>;

export const readTwinAccess: ReadTwinAccess = async (head, exec: ExecInContainer = dockerExec) => {
  try {
    const [gatewayCertificate, hostKey] = await Promise.all([exec(head, ["cat", GATEWAY_CERTIFICATE_PATH]), exec(head, ["cat", HEAD_HOST_KEY_PATH])]);
    return { gatewayCertificate, sshHostKeyFingerprint: fingerprintOf(publicKeyBlob(hostKey)) };
  } catch (e) {
    throw new Error(`cannot read the twin's gateway certificate and host key from ${head} (is the twin up? \`docker ps\`)`, { cause: e });
  }
};

/** The head node container of a twin's cluster; undefined for any other stack. */
export function twinHeadOf(stack: string, outputs: StackOutputs, cluster: TwinCluster): string | undefined {
  if (outputs.target !== "twin") return undefined;
  const o = parseTwinOutputs(stack, outputs, ["kafkaHeadContainer", "sparkHeadContainer"]);
  return cluster === "kafka" ? o.kafkaHeadContainer : o.sparkHeadContainer;
}

/** The twin's access for one of its clusters; undefined for any other stack. */
export async function twinAccessOf(stack: string, outputs: StackOutputs, read: ReadTwinAccess, cluster: TwinCluster = "kafka"): Promise<TwinAccess | undefined> {
  const head = twinHeadOf(stack, outputs, cluster);
  return head === undefined ? undefined : read(head);
}

/** A fetch whose HTTPS trusts exactly this certificate (Node's own fetch takes no CA per request). */
export function fetchTrusting(certificatePem: string): typeof fetch {
  const dispatcher = new Agent({ connect: { ca: certificatePem } });
  return ((input: string | URL, init?: RequestInit) => undiciFetch(input, { ...(init as object), dispatcher })) as unknown as typeof fetch;
}

/**
 * The fetch for a cluster's gateway: `fallback` for an Azure stack; for a twin, one that trusts
 * that gateway's certificate, read from its head node at the first request (so the clients that
 * take a fetch when made, Livy's and Jupyter's, need nothing read before they are used).
 */
export function gatewayFetch(stack: string, outputs: StackOutputs, cluster: TwinCluster, fallback: typeof fetch, read: ReadTwinAccess = readTwinAccess): typeof fetch {
  const head = twinHeadOf(stack, outputs, cluster);
  if (head === undefined) return fallback;
  let trusting: Promise<typeof fetch> | undefined;
  return ((input: string | URL, init?: RequestInit) => {
    trusting ??= read(head).then((a) => fetchTrusting(a.gatewayCertificate));
    return trusting.then((f) => f(input, init));
  }) as typeof fetch;
}
