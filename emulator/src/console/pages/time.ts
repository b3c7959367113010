/**
 * The Time tab (admins): the emulator clock, a control that moves it forward (as POST /_alikms/clock does: every
 * event that falls due happens, in order), and the rotations, deletions and material expiries ahead on a timeline.
 * The clock is the emulator's, shared by every account, so the timeline shows every account's keys.
 */
import type { EventKind, UpcomingEvent } from '../../domain/lifecycle';
import { html, options, when, type Html } from '../html';
import { keyLink, page } from '../layout';
import type { View } from '../view';

const DAY_MS = 86_400_000;
const HORIZONS: Record<string, number> = { '30d': 30, '90d': 90, '400d': 400, '5y': 5 * 366 };
const SHOWN = 200;
export const EVENT_LABELS: Record<EventKind, string> = { rotate: 'rotation', delete: 'deletion', expireMaterial: 'material expiry' };

export async function timePage(v: View): Promise<Html> {
  const now = v.kms.clock.now();
  const horizon = HORIZONS[v.query.get('horizon') ?? ''] ? v.query.get('horizon')! : '400d';
  const until = now + HORIZONS[horizon] * DAY_MS;
  const events = await v.kms.lifecycle.upcoming(until, SHOWN);
  const body = html`<h1>Time</h1>
    <section class="panel">
      <h2>Emulator clock</h2>
      <p class="clock" id="clock">${when(now)}</p>
      <p class="hint">
        ${v.kms.clock.offset > 0 ? `${(v.kms.clock.offset / DAY_MS).toFixed(2)} days ahead of real time.` : 'Running at real time.'}
      </p>
      <form
        method="post"
        action="/console/do/AdvanceClock"
        class="inline"
        data-confirm="Move the emulator clock forward? It never goes back."
      >
        ${v.formFields()}
        <label>Advance by <input name="advance" value="1d" size="8" pattern="[0-9]+[dhms]?" required /></label>
        <button type="submit">Advance</button>
        <span class="hint">30d, 12h, 90m, 3600s: due rotations, deletions and expiries happen at once.</span>
      </form>
    </section>
    <section class="panel">
      <h2>Upcoming events <small>${events.length}${events.length === SHOWN ? '+' : ''} in the next ${horizon}</small></h2>
      <form method="get" action="/console/time" class="inline">
        ${v.scopeFields()}
        <label
          >Horizon
          <select name="horizon" data-autosubmit>
            ${options(Object.keys(HORIZONS), horizon)}
          </select></label
        >
        <button type="submit">Show</button>
      </form>
      ${timeline(events, now, until)}
      <table class="list" id="events">
        <thead>
          <tr>
            <th>When</th>
            <th>Event</th>
            <th>Key</th>
            <th>Account</th>
            <th>Region</th>
          </tr>
        </thead>
        <tbody>
          ${events.map(
            (e) =>
              html`<tr class="event ${e.kind}">
                <td class="when">${when(e.at)}</td>
                <td>${EVENT_LABELS[e.kind]}</td>
                <td>${keyLink(v, e.keyId, e)}</td>
                <td>${e.accountId}</td>
                <td>${e.regionId}</td>
              </tr>`,
          )}
          ${
            events.length === 0
              ? html`<tr>
                  <td colspan="5" class="empty">Nothing scheduled.</td>
                </tr>`
              : ''
          }
        </tbody>
      </table>
    </section>`;
  return page(v, 'time', 'Time', body);
}

/** The events as marks along a line from now to `until` (SVG: positions are attributes, which the page's CSP allows). */
function timeline(events: readonly UpcomingEvent[], now: number, until: number): Html {
  const x = (at: number) => (20 + ((at - now) / (until - now)) * 960).toFixed(1);
  const ticks = [0.25, 0.5, 0.75].map((f) => now + f * (until - now));
  return html`<svg class="timeline" viewBox="0 0 1000 70" role="img" aria-label="Upcoming events">
      ${ticks.map(
        (t) =>
          html`<line x1="${x(t)}" y1="18" x2="${x(t)}" y2="42" class="grid" />
            <text x="${x(t)}" y="62" class="tick" text-anchor="middle">${when(t).slice(0, 10)}</text>`,
      )}
      <line x1="20" y1="30" x2="980" y2="30" class="axis" />
      <text x="20" y="62" class="tick">now</text>
      <text x="980" y="62" class="tick" text-anchor="end">${when(until).slice(0, 10)}</text>
      ${events.map(
        (e) =>
          html`<circle cx="${x(e.at)}" cy="30" r="7" class="mark ${e.kind}"
            ><title>${when(e.at)} ${EVENT_LABELS[e.kind]} ${e.keyId}</title></circle
          >`,
      )}
    </svg>
    <p class="legend">${Object.entries(EVENT_LABELS).map(([kind, label]) => html`<span class="${kind}">${label}</span>`)}</p>`;
}
