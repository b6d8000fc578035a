// Lint: typescript-eslint's recommended rules; tests may use `any` to inspect raw engine payloads.
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "bin/", "coverage/", ".ci/out/", "stacks/local/image/", "**/*.js", "**/*.mjs"] },
  ...tseslint.configs.recommended,
  {
    files: ["tests/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
);
