/**
 * Test tiers by file name: *.spec.ts (unit), *.int-spec.ts (real Kafka + PostgreSQL), *.e2e-spec.ts (spawned apps),
 * *.fault-spec.ts (spawned apps under injected faults, each with a broker and database of its own).
 */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];
const moduleNameMapper = {
  '^@orgpulse/(contracts|domain|persistence|messaging|platform|runtime|testing)$': '<rootDir>/libs/$1/src',
  // ESM-only packages, loaded by Node's own require(esm): test/support/native-esm/README.md
  '^@octokit/webhooks-methods$': '<rootDir>/test/support/native-esm/octokit-webhooks-methods.cjs',
  '^@linear/sdk/webhooks$': '<rootDir>/test/support/native-esm/linear-sdk-webhooks.cjs',
};
const base = {
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper,
  testEnvironment: 'node',
  rootDir: __dirname,
};

module.exports = {
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,test,bench}/**/*.spec.ts'] },
    { ...base, displayName: 'int', testMatch: ['<rootDir>/{apps,libs,test}/**/*.int-spec.ts'] },
    { ...base, displayName: 'e2e', testMatch: ['<rootDir>/{apps,libs,test}/**/*.e2e-spec.ts'] },
    { ...base, displayName: 'fault', testMatch: ['<rootDir>/test/fault/**/*.fault-spec.ts'] },
  ],
};
