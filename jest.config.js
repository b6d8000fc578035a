/** Tests run TypeScript through ts-jest in transpile-only mode; `tsc --noEmit` (npm test) type-checks once. */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }],
    // hyparquet ships ES modules only; jest's module system needs CommonJS.
    "^.+/node_modules/hyparquet/.+\\.js$": ["ts-jest", { tsconfig: { allowJs: true, module: "commonjs", target: "ES2022" } }],
  },
  transformIgnorePatterns: ["/node_modules/(?!hyparquet/)"],
  testTimeout: 60000,
  // The live tests share one Docker engine, fixed container names and host ports: one file at a
  // time, in the order of tests/support/sequencer.js; the cluster some of them share goes at the end.
  maxWorkers: 1,
  testSequencer: "<rootDir>/tests/support/sequencer.js",
  globalSetup: "<rootDir>/tests/support/globalSetup.ts",
  globalTeardown: "<rootDir>/tests/support/globalTeardown.ts",
};
