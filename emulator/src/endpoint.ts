/** Endpoints as people write them: the SDKs take `host:port`, URLs carry a scheme; both are accepted everywhere. */

/** `127.0.0.1:4599`, `localhost:4599` or `http(s)://host:port[/]` -> `http(s)://host:port`; `source` names it in errors. */
export function normalizeEndpoint(text: string, source = 'endpoint'): string {
  const trimmed = text.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new Error(`${source}: not an endpoint: ${text} (expected host:port or http://host:port)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`${source}: ${text}: only http:// and https:// endpoints`);
  if (url.pathname !== '/' || url.search || url.hash)
    throw new Error(`${source}: ${text}: expected no path (host:port or http://host:port)`);
  return `${url.protocol}//${url.host}`;
}
