/**
 * A twin's own trust anchors, read from its head node's container: the gateway's self-signed
 * certificate (made at the node's first start) and the sshd host key. With them the Azure path
 * talks to the twin with every check on: HTTPS verified against exactly that certificate, the SSH
 * host key pinned. Azure stacks need neither (public CAs, the user's known_hosts).
 */
import { Agent, fetch as undiciFetch } from "undici";
import { fingerprintOf, publicKeyBlob } from "../kafka/sshGateway";
import { dockerExec, type ExecInContainer } from "../local/cluster";
import { parseTwinOutputs, type StackOutputs } from "../pulumiStack";

export const GATEWAY_CERTIFICATE_PATH = "/data/gateway/cert.pem";
export const HEAD_HOST_KEY_PATH = "/data/ssh/ssh_host_ed25519_key.pub";

export interface TwinAccess {
  /** PEM of the gateway's certificate. */
  gatewayCertificate: string;
  /** SHA256 fingerprint of the head node's sshd host key. */
  sshHostKeyFingerprint: string;
}

export async function readTwinAccess(head: string, exec: ExecInContainer = dockerExec): Promise<TwinAccess> {
  try {
    const [gatewayCertificate, hostKey] = await Promise.all([exec(head, ["cat", GATEWAY_CERTIFICATE_PATH]), exec(head, ["cat", HEAD_HOST_KEY_PATH])]);
    return { gatewayCertificate, sshHostKeyFingerprint: fingerprintOf(publicKeyBlob(hostKey)) };
  } catch (e) {
    throw new Error(`cannot read the twin's gateway certificate and host key from ${head} (is the twin up? \`docker ps\`)`, { cause: e });
  }
}

/** The twin's access for a twin stack's outputs; undefined for any other stack. */
export async function twinAccessOf(stack: string, outputs: StackOutputs, read: (head: string) => Promise<TwinAccess>): Promise<TwinAccess | undefined> {
  if (outputs.target !== "twin") return undefined;
  return read(parseTwinOutputs(stack, outputs, ["kafkaHeadContainer"]).kafkaHeadContainer);
}

/** A fetch whose HTTPS trusts exactly this certificate (Node's own fetch takes no CA per request). */
export function fetchTrusting(certificatePem: string): typeof fetch {
  const dispatcher = new Agent({ connect: { ca: certificatePem } });
  return ((input: string | URL, init?: RequestInit) => undiciFetch(input, { ...(init as object), dispatcher })) as unknown as typeof fetch;
}
