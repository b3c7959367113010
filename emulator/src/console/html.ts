/**
 * The console's templating: `html` tagged templates that escape every interpolated value unless it is itself `Html`.
 * Pages are typed TypeScript functions over the domain's records, so a template that names a missing field does not
 * compile, and nothing a caller stored (a description, a tag, an alias) can become markup: escaping is the default,
 * never a step to remember. Attribute values are always written quoted (escaping covers `"` and `'`).
 */
import { isoDate } from '../domain/clock';

/** Markup that is safe to insert as it is: built by `html`, never from caller input. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export type Fragment = Html | string | number | boolean | null | undefined | readonly Fragment[];

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ENTITIES[c]);

function render(value: Fragment): string {
  if (value === null || value === undefined || value === false || value === true) return '';
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Fragment[]): Html {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return new Html(out);
}

/** A URL path with query parameters (empty and undefined ones left out). */
export function url(path: string, params: Readonly<Record<string, string | number | undefined>> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const query = q.toString();
  return query ? `${path}?${query}` : path;
}

/** `<option>`s for a `<select>`, the current value selected. */
export const options = (values: readonly string[], current: string | undefined, labels: Record<string, string> = {}) =>
  values.map((v) => html`<option value="${v}" ${v === current ? html`selected` : ''}>${labels[v] ?? v}</option>`);

/** An emulator time as the API shows it, in UTC. */
export const when = (epochMs: number | undefined): string => (epochMs === undefined ? '' : isoDate(epochMs));
