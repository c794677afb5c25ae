/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  testMatch: ["**/*.test.ts"],
  transform: {
    // Type errors are reported by `npm run typecheck`; the transform only strips types.
    "^.+\\.ts$": ["ts-jest", { tsconfig: "tests/tsconfig.jest.json" }],
  },
  modulePathIgnorePatterns: ["<rootDir>/provider/dist", "<rootDir>/emulator/dist", "<rootDir>/examples/.*/node_modules"],
  testTimeout: 60000,
};
