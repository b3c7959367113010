/**
 * The emulator as a library (`import { startEmulator } from 'alikms'`): the same start-up the CLI's `alikms serve`
 * runs. For test suites, `alikms/testing` (testing.ts) wraps it with an in-memory state, a free port and clock controls.
 */
export { startEmulator, DEFAULT_HOST, DEFAULT_PORT, type EmulatorOptions, type RunningEmulator } from './emulator';
export { Accounts, DEFAULT_ACCOUNT_ID, type AccessKey } from './wire/accounts';
export { parseSeed, readSeed, type Seed, type SeedInput } from './seed/format';
export { VERSION } from './version';
export { readAudit, type AuditQuery } from './audit/reader';
export type { AuditLine } from './audit/writer';
