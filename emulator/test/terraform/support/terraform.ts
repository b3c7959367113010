/**
 * What Terraform core does with a resource's CRUD functions, step by step: apply (Create, or Update when the plan has
 * changes), refresh (Read; an empty id means the resource is gone), plan, import (Read by the id alone) and destroy.
 * `converge` is one `terraform apply` followed by `terraform plan`, which must show nothing: no perpetual diff.
 */
import { type TestEmulator, useEmulator } from '../../support/emulator';
import { GoWire, type Product } from './go-wire';
import { type Diff, plan, planned, ResourceData, type Schema, type State } from './sdk';

/** The provider block: region, credentials, `endpoints { kms = …, bssopenapi = … }` with `protocol = "HTTP"`. */
export interface ProviderConfig {
  region: string;
  accessKeyId: string;
  accessKeySecret: string;
  endpoints: { kms: string; bssopenapi: string };
}

/** connectivity.AliyunClient as the KMS resources use it. */
export class Provider {
  readonly wire: GoWire;
  readonly regionId: string;

  constructor(config: ProviderConfig) {
    const hostPort = (e: string) => e.replace(/^https?:\/\//, '');
    const endpoints: Record<Product, string> = { Kms: hostPort(config.endpoints.kms), BssOpenApi: hostPort(config.endpoints.bssopenapi) };
    this.wire = new GoWire({ endpoints, accessKeyId: config.accessKeyId, accessKeySecret: config.accessKeySecret });
    this.regionId = config.region;
  }

  /** client.RpcPost("Kms", "2016-01-20", action, query, request, true) */
  kms = (action: string, body: object = {}, query: object = {}) => this.wire.rpc('POST', 'Kms', action, query, body);
  /** client.RpcGet("Kms", "2016-01-20", action, query, request) */
  kmsGet = (action: string, query: object = {}) => this.wire.rpc('GET', 'Kms', action, query, {});
  /** client.RpcPostWithEndpoint("BssOpenApi", "2017-12-14", action, query, request, true, endpoint) */
  bss = (action: string, body: object = {}, query: object = {}) => this.wire.rpc('POST', 'BssOpenApi', action, query, body);
  /** alibaba-cloud-sdk-go, used by the older data sources: RPC v1 as well, parameters and the client's RegionId in the query. */
  classic = (action: string, params: object = {}) => this.wire.rpc('POST', 'Kms', action, { RegionId: this.regionId, ...params }, {});
}

export interface Source {
  /** Path in aliyun/terraform-provider-alicloud. */
  file: string;
  /** Commit the index stored it at (or the index's file id where it reports none). */
  commit: string;
}

export interface ResourceType {
  name: string;
  sources: Source[];
  schema: Schema;
  create(d: ResourceData, p: Provider): Promise<void>;
  read(d: ResourceData, p: Provider): Promise<void>;
  update?(d: ResourceData, p: Provider): Promise<void>;
  delete(d: ResourceData, p: Provider): Promise<void>;
  /** ImportStateVerifyIgnore of the provider's acceptance test: fields Read cannot restore. */
  importIgnore?: string[];
}

export interface Instance {
  id: string;
  attrs: State;
}

/** `terraform apply` of one resource: Create without a prior state, else Update when the plan shows changes. */
export async function apply(p: Provider, r: ResourceType, config: State, prior?: Instance): Promise<Instance> {
  if (!prior) {
    const d = new ResourceData(r.schema, {}, {}, true);
    const next = planned(r.schema, config, {}, d);
    const create = new ResourceData(r.schema, {}, next, true);
    await r.create(create, p);
    if (!create.id) throw new Error(`${r.name}: Create set no id`);
    return { id: create.id, attrs: create.state() };
  }
  const diffs = plan(r.schema, config, prior.attrs);
  if (diffs.length === 0) return prior;
  const replace = diffs.filter((x) => x.forceNew);
  if (replace.length) throw new Error(`${r.name}: the plan replaces the resource (${describe(replace)})`);
  if (!r.update) throw new Error(`${r.name} has no Update`);
  const d = new ResourceData(r.schema, prior.attrs, prior.attrs, false);
  const update = new ResourceData(r.schema, prior.attrs, planned(r.schema, config, prior.attrs, d), false);
  update.setId(prior.id);
  await r.update(update, p);
  return { id: update.id, attrs: update.state() };
}

/** `terraform refresh`: Read with the stored state; null when Read cleared the id (the resource is gone). */
export async function refresh(p: Provider, r: ResourceType, inst: Instance): Promise<Instance | null> {
  const d = new ResourceData(r.schema, inst.attrs, inst.attrs, false);
  d.setId(inst.id);
  await r.read(d, p);
  return d.id ? { id: d.id, attrs: d.state() } : null;
}

/** `terraform import <type>.x <id>` (ImportStatePassthrough): Read with nothing but the id. */
export const importById = (p: Provider, r: ResourceType, id: string) => refresh(p, r, { id, attrs: {} });

/** `terraform destroy` of one resource. */
export async function destroy(p: Provider, r: ResourceType, inst: Instance): Promise<void> {
  const d = new ResourceData(r.schema, inst.attrs, inst.attrs, false);
  d.setId(inst.id);
  await r.delete(d, p);
}

export const describe = (diffs: Diff[]) =>
  diffs
    .map((x) => `${x.attr}: ${JSON.stringify(x.old)} -> ${JSON.stringify(x.new)}${x.forceNew ? ' (forces replacement)' : ''}`)
    .join('; ');

/** `terraform apply` then `terraform plan`: the refreshed state must match the configuration (no perpetual diff). */
export async function converge(p: Provider, r: ResourceType, config: State, prior?: Instance): Promise<Instance> {
  const applied = await apply(p, r, config, prior);
  const refreshed = await refresh(p, r, applied);
  if (!refreshed) throw new Error(`${r.name} ${applied.id}: gone right after apply`);
  expect(describe(plan(r.schema, config, refreshed.attrs))).toBe('');
  return refreshed;
}

/** `terraform import`, then ImportStateVerify: the imported state equals the managed one but for `importIgnore`. */
export async function importAndVerify(p: Provider, r: ResourceType, inst: Instance): Promise<Instance> {
  const imported = await importById(p, r, inst.id);
  if (!imported) throw new Error(`${r.name} ${inst.id}: import found nothing`);
  const strip = (s: State) => Object.fromEntries(Object.entries(s).filter(([k, v]) => !r.importIgnore?.includes(k) && v !== undefined));
  const managed = await refresh(p, r, inst);
  expect(strip(imported.attrs)).toEqual(strip(managed!.attrs));
  return imported;
}

/** `terraform destroy`, then a refresh that must find the resource gone. */
export async function destroyAndVerify(p: Provider, r: ResourceType, inst: Instance): Promise<void> {
  await destroy(p, r, inst);
  expect(await refresh(p, r, inst)).toBeNull();
}

/** A provider pointed at a test emulator: both endpoints at `endpoint` (default: the emulator's), its first key. */
export function providerFor(
  emu: { endpoint: string; region: string; accounts: { all(): { id: string; secret: string }[] } },
  o: { region?: string; endpoint?: string } = {},
) {
  const [key] = emu.accounts.all();
  const endpoint = o.endpoint ?? emu.endpoint;
  return new Provider({
    region: o.region ?? emu.region,
    accessKeyId: key.id,
    accessKeySecret: key.secret,
    endpoints: { kms: endpoint, bssopenapi: endpoint },
  });
}

/** For one test file: an emulator without its scheduler (instances connect `connectDelayMs` after purchase) and a
 * provider pointed at it, both set in beforeAll. */
export function useTerraform(connectDelayMs = 200): { emu: TestEmulator; p: Provider } {
  const tf = {} as { emu: TestEmulator; p: Provider };
  useEmulator(
    (e) => {
      tf.emu = e;
      tf.p = providerFor(e);
    },
    { schedulerIntervalMs: 0, kms: { connectDelayMs } },
  );
  return tf;
}

/** A data source: a schema and a Read. */
export interface DataSourceType {
  name: string;
  sources: Source[];
  schema: Schema;
  read(d: ResourceData, p: Provider): Promise<void>;
}

/** Reading a data source during `terraform plan`: its arguments from the configuration, its results set by Read. */
export async function readDataSource(p: Provider, ds: DataSourceType, config: State): Promise<State> {
  const d = new ResourceData(ds.schema, {}, planned(ds.schema, config, {}, new ResourceData(ds.schema, {}, {}, true)), true);
  await ds.read(d, p);
  return d.state();
}

/** helper.go dataResourceIdHash: a stable id for a list of ids (a hash of them joined). */
export const dataResourceIdHash = (ids: string[]) => String([...ids.join('')].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 0));
