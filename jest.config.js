// One jest run over every workspace, so `npm test` ends with a single summary.
const projects = [
  'common',
  'auth',
  'tickets',
  'orders',
  'payments',
  'expiration',
  'passes',
  'client',
  'nats-tests',
  'infra',
  'e2e',
];

module.exports = {
  projects: projects.map((dir) => `<rootDir>/${dir}`),
  // testTimeout is a global option (ignored inside projects); e2e files raise it themselves.
  testTimeout: 30_000,
  // Most tests wait on real servers rather than the CPU: two workers halve the wall time on two cores.
  maxWorkers: 2,
  coverageReporters: ['text-summary', 'json-summary'],
  coverageThreshold: {
    './common/src/': { lines: 90 },
    './auth/src/': { lines: 90 },
    './tickets/src/': { lines: 90 },
    './orders/src/': { lines: 90 },
    './payments/src/': { lines: 90 },
    './expiration/src/': { lines: 90 },
    './passes/src/': { lines: 90 },
    './nats-tests/src/': { lines: 85 },
  },
};
