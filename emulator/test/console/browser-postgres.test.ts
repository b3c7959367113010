/** The console's browser scenarios (scenarios.ts) on PostgreSQL, in a private throwaway cluster. */
import { startTestEmulator, stopTestEmulator } from '../support/emulator';
import { startPostgres, type TestPostgres } from '../support/postgres';
import { consoleScenarios, SCENARIO_OPTIONS } from './scenarios';

// The root key comes from the test folder's root.key; a caller's ALIKMS_ROOT_KEY would override it.
delete process.env.ALIKMS_ROOT_KEY;

let pg: TestPostgres;
beforeAll(async () => {
  pg = await startPostgres();
}, 60_000);
afterAll(() => pg?.stop());

consoleScenarios('postgres', async () => startTestEmulator({ ...SCENARIO_OPTIONS, storeUrl: await pg.createDatabase() }), stopTestEmulator);
