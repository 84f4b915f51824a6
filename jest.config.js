// Jest runs TypeScript sources as ESM (client-node 1.x is ESM-only), transformed by SWC for speed;
// `npm test` runs `tsc --noEmit` first, so types are still checked.
export default {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } }],
  },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  maxWorkers: 2,
  testTimeout: 60000,
  // real S3 (Ceph RGW) for the suite: started once, connection passed to workers by env (docs/ci.md)
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
};
