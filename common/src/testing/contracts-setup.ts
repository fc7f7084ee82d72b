// Jest setup of every workspace (setupFilesAfterEnv in jest.preset.js): each answer a service app
// gives in a test is checked against the service's OpenAPI document, and a test file whose
// answers broke it fails, listing them.
import { checkContracts } from './contracts';

const contracts = checkContracts();

afterAll(() => {
  contracts.stop();
  if (contracts.violations.length > 0) {
    const lines = contracts.violations.map(
      ({ operation, status, problem, body }) => `${operation} ${status}: ${problem}\n  ${JSON.stringify(body)}`,
    );
    throw new Error(`Answers that break the OpenAPI documents:\n${lines.join('\n')}`);
  }
});
