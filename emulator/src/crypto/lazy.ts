/**
 * A module loaded on first use. Some crypto packages cost 20-30 ms each to load and serve only a few key specs; loading
 * them lazily keeps the emulator's cold start (spawn to first answered request) short. The loader is a function with a
 * literal `require('…')` so the package bundler (emulator/scripts/build.js) can follow it.
 */
export function lazyModule<T>(load: () => T): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= load());
}
