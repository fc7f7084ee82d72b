// Component tests in jsdom. The shared preset handles TypeScript; JSX needs React's automatic
// runtime (no `import React` in every file), and `@/…` is this app's alias for src/.
module.exports = require('../jest.preset.js')(__dirname, {
  testEnvironment: 'jsdom',
  testMatch: ['<rootDir>/src/**/*.test.{ts,tsx}', '<rootDir>/test/**/*.test.{ts,tsx}'],
  transform: {
    '^.+\\.(t|j)sx?$': [
      '@swc/jest',
      {
        jsc: {
          target: 'es2022',
          parser: { syntax: 'typescript', tsx: true },
          transform: { react: { runtime: 'automatic' } },
        },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
  },
  moduleNameMapper: {
    '^@/(.*)$': '<rootDir>/src/$1',
    // As in tsconfig.json: common's fee arithmetic, from its sources (it imports nothing).
    '^@ticketing/common/fees$': '<rootDir>/../common/src/money/fees.ts',
  },
  // The build output holds a copy of package.json (standalone) that jest would take for a module.
  modulePathIgnorePatterns: ['<rootDir>/.next/'],
  collectCoverageFrom: ['<rootDir>/src/{components,lib}/**/*.{ts,tsx}', '!<rootDir>/src/**/*.test.{ts,tsx}'],
});
