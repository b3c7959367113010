/**
 * Runs an example program twice over: under `pulumi.runtime.setMocks`, recording what it registers, and then by
 * replaying those registrations through the engine harness against a real emulator (Check/Create as `pulumi up` does).
 * Mocked outputs are placeholders (`ref:<type>::<name>#<property>`), so the replay can put the real values of earlier
 * resources where the program wired one resource's output into another's input.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import type { EngineSim, StepKind } from '../../../provider/test/support/engine';

export type Props = Record<string, unknown>;

export interface Registration {
  type: string;
  name: string;
  inputs: Props;
}

const REPO = join(__dirname, '..', '..', '..');
const schema = JSON.parse(readFileSync(join(REPO, 'schema.json'), 'utf8')) as {
  resources: Record<string, { properties: Props; inputProperties: Props }>;
};

export const ref = (type: string, name: string, property: string) => `ref:${type}::${name}#${property}`;
const REF = /^ref:(.+)::([^#]+)#(.+)$/;

/** What the mocked cloud answers: the inputs back, and a placeholder for every output-only property. */
function mockState(type: string, name: string, inputs: Props): Props {
  const r = schema.resources[type];
  const state: Props = { ...inputs };
  for (const p of Object.keys(r?.properties ?? {})) if (!(p in r.inputProperties)) state[p] = ref(type, name, p);
  return state;
}

/**
 * Loads the program (a `require` of its directory) under mocks, waits for every registration to reach the mocked
 * monitor, and returns them in registration order (dependencies first) with the program's stack outputs.
 */
/** An invoke the program made: its token and (resolved) arguments. */
export interface Invocation {
  token: string;
  args: Props;
}

export interface MockOptions {
  /** Answers the program's invokes (`alikms.getKeys(...)`); it may forward them to the plugin. Default: echo. */
  call?: (token: string, args: Props) => Props | Promise<Props>;
  /** Stack config, e.g. `{ 'example:keyMaterial': '…' }` (the mocked project is `example`). */
  config?: Record<string, string>;
  /** Config keys given as secrets (`pulumi config set --secret`). */
  secretKeys?: string[];
}

export async function runUnderMocks(
  programDir: string,
  o: MockOptions = {},
): Promise<{ registrations: Registration[]; outputs: Props; invocations: Invocation[] }> {
  const registrations: Registration[] = [];
  const invocations: Invocation[] = [];
  pulumi.runtime.setMocks(
    {
      newResource: (a) => {
        registrations.push({ type: a.type, name: a.name, inputs: a.inputs });
        return { id: ref(a.type, a.name, 'id'), state: mockState(a.type, a.name, a.inputs) };
      },
      call: (a) => {
        invocations.push({ token: a.token, args: a.inputs });
        return o.call ? o.call(a.token, a.inputs) : a.inputs;
      },
    },
    'example',
    'dev',
  );
  if (o.config) pulumi.runtime.setAllConfig(o.config, o.secretKeys);
  const program = require(programDir) as Record<string, pulumi.Output<unknown>>;
  const outputs: Props = {};
  for (const [k, v] of Object.entries(program))
    outputs[k] = await new Promise((resolve) => (pulumi.output(v) as pulumi.Output<unknown>).apply(resolve));
  // Registrations run asynchronously after the module body; this drains the runtime's RPC queue (what the language
  // host waits for before it exits).
  await (require('@pulumi/pulumi/runtime/settings') as { waitForRPCs(): Promise<void> }).waitForRPCs();
  return { registrations: registrations.filter((r) => r.type.startsWith('alikms:index:')), outputs, invocations };
}

/** Replaces placeholders with the real outputs of resources made earlier in the replay. */
function resolveRefs(v: unknown, made: Map<string, { id: string; outputs: Props }>): unknown {
  if (typeof v === 'string') {
    const m = REF.exec(v);
    if (!m) return v;
    const r = made.get(`${m[1]}::${m[2]}`);
    if (!r) throw new Error(`${v}: that resource was not created before its output was used`);
    return m[3] === 'id' ? r.id : r.outputs[m[3]];
  }
  if (Array.isArray(v)) return v.map((x) => resolveRefs(x, made));
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolveRefs(x, made)]));
  return v;
}

export interface Replayed {
  steps: { type: string; name: string; step: StepKind }[];
  /** `<type>::<name>` → id and outputs. */
  made: Map<string, { id: string; outputs: Props }>;
}

/** One `pulumi up` of the recorded program through the harness (registrations in order, real values for placeholders). */
export async function replay(sim: EngineSim, registrations: Registration[]): Promise<Replayed> {
  const made = new Map<string, { id: string; outputs: Props }>();
  const steps: Replayed['steps'] = [];
  for (const r of registrations) {
    const res = await sim.register(r.type, r.name, resolveRefs(r.inputs, made) as Props);
    made.set(`${r.type}::${r.name}`, { id: res.id, outputs: res.outputs });
    steps.push({ type: r.type, name: r.name, step: res.step });
  }
  return { steps, made };
}
