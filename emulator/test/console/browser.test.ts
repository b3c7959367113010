/** The console's browser scenarios (scenarios.ts) on the embedded store: a state file beside a journal. */
import { startTestEmulator, stopTestEmulator } from '../support/emulator';
import { consoleScenarios, SCENARIO_OPTIONS } from './scenarios';

consoleScenarios('file store', () => startTestEmulator(SCENARIO_OPTIONS), stopTestEmulator);
