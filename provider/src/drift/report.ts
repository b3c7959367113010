/** The drift report as a table for people or JSON for CI, and the exit code: 0 clean, 1 drift, 2 errors. */
import type { ResourceReport } from './check';

export const EXIT = { clean: 0, drift: 1, error: 2 } as const;

export function exitCode(reports: ResourceReport[]): number {
  // An incomplete check is not a clean bill of health, whatever the other resources said.
  if (reports.some((r) => r.status === 'error')) return EXIT.error;
  return reports.some((r) => r.status === 'drift' || r.status === 'gone') ? EXIT.drift : EXIT.clean;
}

const MAX_CELL = 60;

function show(v: unknown, secret: boolean): string {
  if (secret) return '[secret]';
  if (v === undefined || v === null) return '(unset)';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > MAX_CELL ? `${s.slice(0, MAX_CELL - 1)}…` : s;
}

/** `alikms:index:Key::orders`: the URN's type and name, which identify a resource within one stack. */
const label = (r: ResourceReport) => `${r.type}::${r.name}`;

export function renderTable(reports: ResourceReport[]): string {
  const rows: string[][] = [];
  for (const r of reports) {
    if (r.status === 'gone') rows.push([label(r), r.id, '(resource)', 'exists', 'deleted']);
    for (const d of r.drift)
      rows.push([label(r), r.id, d.replace ? `${d.property} (replace)` : d.property, show(d.desired, d.secret), show(d.actual, d.secret)]);
  }
  const lines: string[] = [];
  if (rows.length) {
    const header = ['RESOURCE', 'ID', 'PROPERTY', 'DESIRED', 'ACTUAL'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
    for (const row of [header, ...rows])
      lines.push(
        row
          .map((c, i) => c.padEnd(widths[i]))
          .join('  ')
          .trimEnd(),
      );
    lines.push('');
  }
  for (const r of reports) {
    if (r.status === 'error') lines.push(`error: ${label(r)} (${r.id}): ${r.error}`);
    if (r.notCompared.length)
      lines.push(`note: ${label(r)}: ${r.notCompared.join(', ')} not compared (encrypted in the export; use --show-secrets)`);
  }
  lines.push(summary(reports));
  return lines.join('\n') + '\n';
}

function summary(reports: ResourceReport[]): string {
  const count = (s: ResourceReport['status']) => reports.filter((r) => r.status === s).length;
  const n = reports.length;
  if (n === 0) return 'no alikms resources in the stack export';
  const properties = reports.reduce((sum, r) => sum + r.drift.length, 0);
  const parts = [`${n} alikms resource${n === 1 ? '' : 's'} checked`];
  if (count('drift')) parts.push(`${count('drift')} drifted (${properties} propert${properties === 1 ? 'y' : 'ies'})`);
  if (count('gone')) parts.push(`${count('gone')} deleted out of band`);
  if (count('error')) parts.push(`${count('error')} could not be checked`);
  if (parts.length === 1) parts.push('no drift');
  return parts.join(', ');
}

export function renderJson(reports: ResourceReport[]): string {
  const redact = (v: unknown, secret: boolean) => (secret ? '[secret]' : (v ?? null));
  const body = {
    clean: exitCode(reports) === EXIT.clean,
    resources: reports.map((r) => ({
      ...r,
      drift: r.drift.map((d) => ({
        property: d.property,
        desired: redact(d.desired, d.secret),
        actual: redact(d.actual, d.secret),
        replace: d.replace,
      })),
    })),
  };
  return JSON.stringify(body, null, 2) + '\n';
}
