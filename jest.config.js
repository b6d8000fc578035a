/** Tests run TypeScript through ts-jest in transpile-only mode; `tsc --noEmit` (npm test) type-checks once. */
module.exports = {
  roots: ["<rootDir>/tests"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }],
    // hyparquet ships ES modules only; jest's module system needs CommonJS.
    "^.+/node_modules/hyparquet/.+\\.js$": ["ts-jest", { tsconfig: { allowJs: true, module: "commonjs", target: "ES2022" } }],
  },
  transformIgnorePatterns: ["/node_modules/(?!hyparquet/)"],
  testTimeout: 60000,
  // Three files at a time: the live files that use the cluster share one Docker engine, fixed
  // container names and host ports, so tests/support/environment.js runs them one at a time, in the
  // order of tests/support/sequencer.js, which starts the first of them at once beside the unit files.
  maxWorkers: 3,
  testEnvironment: "<rootDir>/tests/support/environment.js",
  testSequencer: "<rootDir>/tests/support/sequencer.js",
  globalSetup: "<rootDir>/tests/support/globalSetup.ts",
  globalTeardown: "<rootDir>/tests/support/globalTeardown.ts",
};
