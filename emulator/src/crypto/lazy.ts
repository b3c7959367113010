/**
 * A module loaded on first use. Some crypto packages cost 20-30 ms each to load and serve only a few key specs; loading
 * them lazily keeps the emulator's cold start (spawn to first answered request) short.
 */
export function lazyModule<T>(name: string): () => T {
  let loaded: T | undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return () => (loaded ??= require(name) as T);
}
