import { createHash } from "crypto";
import { readdirSync, readFileSync, statSync } from "fs";
import { join, relative } from "path";
import { LOCAL_DEFAULTS } from "./topology";

/** The node image's build context. */
export const IMAGE_CONTEXT = join(__dirname, "image");

/** Every file of the build context, sorted, so the hash does not depend on directory order. */
function contextFiles(dir: string, root = dir): string[] {
  return readdirSync(dir).sort().flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? contextFiles(path, root) : [relative(root, path)];
  });
}

/**
 * Image reference tagged by the content of the build context: a changed Dockerfile or script
 * gives a new tag, which makes Pulumi replace the containers; an unchanged one reuses them.
 */
export function contentTaggedImage(context: string = IMAGE_CONTEXT, imageName: string = LOCAL_DEFAULTS.imageName): string {
  const hash = createHash("sha256");
  for (const file of contextFiles(context)) {
    hash.update(file).update("\0").update(readFileSync(join(context, file))).update("\0");
  }
  return `${imageName}:${hash.digest("hex").slice(0, 12)}`;
}

/**
 * The platform to build the node image for: the host's own (the engine is local). Stated because
 * the Docker provider warns when it is left to chance; never forced to amd64, so ARM hosts build
 * native images.
 */
export function hostPlatform(arch: string = process.arch): string {
  const dockerArch: Record<string, string> = { x64: "amd64", arm64: "arm64", arm: "arm", ppc64: "ppc64le", s390x: "s390x" };
  return `linux/${dockerArch[arch] ?? arch}`;
}
