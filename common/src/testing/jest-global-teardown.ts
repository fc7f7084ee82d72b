export { stopTestPostgres as default } from './jest-global-setup';
