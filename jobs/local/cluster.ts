/**
 * Access to the local Docker cluster from the host: the per-deployment SSH key the nodes trust
 * and the master's host key, read through `docker exec`. Whoever may run `docker exec` on this
 * machine owns the cluster already, so this grants nothing new, and no key is ever written to
 * the repository or a log.
 */
import execa from "execa";
import { fingerprintOf, publicKeyBlob } from "../kafka/sshGateway";

export const CLUSTER_KEY_PATH = "/etc/lab-ssh/id_ed25519";
export const MASTER_HOST_KEY_PATH = "/data/ssh/ssh_host_ed25519_key.pub";

export type ExecInContainer = (container: string, command: string[]) => Promise<string>;

export const dockerExec: ExecInContainer = async (container, command) => (await execa("docker", ["exec", container, ...command])).stdout;

export interface LocalSshAccess {
  privateKey: string;
  /** SHA256 fingerprint of the master's sshd host key, to pin it. */
  hostKeyFingerprint: string;
}

export async function readLocalSshAccess(master = "hadoop-master", exec: ExecInContainer = dockerExec): Promise<LocalSshAccess> {
  try {
    const [privateKey, hostKey] = await Promise.all([exec(master, ["cat", CLUSTER_KEY_PATH]), exec(master, ["cat", MASTER_HOST_KEY_PATH])]);
    return { privateKey, hostKeyFingerprint: fingerprintOf(publicKeyBlob(hostKey)) };
  } catch (e) {
    throw new Error(`cannot read the local cluster's SSH keys from ${master} (is the local stack up? \`docker ps\`)`, { cause: e });
  }
}
