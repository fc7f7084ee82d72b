// One jest run over every workspace, so `npm test` ends with a single summary.
module.exports = {
  projects: ['common', 'auth', 'e2e'].map((dir) => `<rootDir>/${dir}`),
  // testTimeout is a global option (ignored inside projects); e2e files raise it themselves.
  testTimeout: 30_000,
  coverageReporters: ['text-summary', 'json-summary'],
  coverageThreshold: {
    './common/src/': { lines: 90 },
    './auth/src/': { lines: 90 },
  },
};
