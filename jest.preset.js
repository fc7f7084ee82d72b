// Shared jest settings for every workspace: @swc/jest transforms TypeScript (ts-jest does not
// work with TypeScript 7), and @ticketing/common resolves to its sources so tests never need a
// prior build and coverage is measured on the real files.
const path = require('node:path');

const commonSrc = path.join(__dirname, 'common', 'src');
const testing = path.join(commonSrc, 'testing');

/**
 * For workspaces whose tests use a database: one PostgreSQL server per jest worker, started once
 * before the run (jest runs a globalSetup shared by several projects only once).
 */
const database = {
  globalSetup: path.join(testing, 'jest-global-setup.ts'),
  globalTeardown: path.join(testing, 'jest-global-teardown.ts'),
};

/**
 * @param {string} dir the workspace directory (pass __dirname)
 * @param {{ database?: boolean } & Record<string, unknown>} options `database: true` starts the test PostgreSQL servers
 */
module.exports = function preset(dir, { database: withDatabase = false, ...overrides } = {}) {
  return {
    displayName: path.basename(dir),
    rootDir: dir,
    testEnvironment: 'node',
    testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
    transform: {
      '^.+\\.(t|j)sx?$': [
        '@swc/jest',
        {
          jsc: { target: 'es2022', parser: { syntax: 'typescript', tsx: true } },
          module: { type: 'commonjs' },
          sourceMaps: 'inline',
        },
      ],
    },
    moduleNameMapper: {
      '^@ticketing/common$': path.join(commonSrc, 'index.ts'),
      '^@ticketing/common/testing$': path.join(commonSrc, 'testing', 'index.ts'),
    },
    collectCoverageFrom: [
      '<rootDir>/src/**/*.ts',
      // start-up wiring only; exercised by the launcher test in e2e/
      '!<rootDir>/src/index.ts',
      '!<rootDir>/src/**/*.test.ts',
      '!<rootDir>/src/**/__tests__/**',
    ],
    // Every answer of a service app is checked against its OpenAPI document (contract tests).
    setupFilesAfterEnv: [path.join(testing, 'contracts-setup.ts')],
    ...(withDatabase ? database : {}),
    ...overrides,
  };
};
