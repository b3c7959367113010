/**
 * A model of the engine's call sequences (pkg/resource/deploy/step.go, provider_plugin.go), driving a real plugin
 * process: startup, preview, up (create / same / update / replace), refresh, import and destroy. State is kept the
 * way the engine keeps it: per URN, the checked inputs and the provider's outputs.
 */
import type { ServiceError } from '@grpc/grpc-js';
import * as proto from '@pulumi/pulumi/proto/provider_pb';
import type { PluginInfo } from '@pulumi/pulumi/proto/plugin_pb';
import { Status } from '@pulumi/pulumi/proto/status_pb';
import { fromStruct, toStruct, type Props, type RunningPlugin } from './plugin';

export interface ResourceState {
  type: string;
  id: string;
  inputs: Props;
  outputs: Props;
  /** Set when a create failed part way (ErrorResourceInitFailed): the next `up` updates the resource even with no diff. */
  initErrors?: string[];
}

/** Resource options and CLI flags that change the engine's plan for one registration. */
export interface RegisterOptions {
  preview?: boolean;
  /** The `replaceOnChanges` resource option: a change to one of these properties replaces the resource. */
  replaceOnChanges?: string[];
  /** The `deleteBeforeReplace` resource option (overrides the provider's answer when set). */
  deleteBeforeReplace?: boolean;
  /** `pulumi up --replace <urn>`: the engine replaces without asking Diff. */
  targetedReplace?: boolean;
  /** The `customTimeouts` resource option, in seconds, as the engine puts them on Create/Update/Delete. */
  customTimeouts?: { create?: number; update?: number; delete?: number };
}

/** A create the provider reported as partly done: the engine keeps the resource, then fails the step. */
export class PartialCreate extends Error {
  constructor(
    readonly id: string,
    readonly outputs: Props,
    readonly reasons: string[],
    message: string,
  ) {
    super(message);
  }
}

export interface DiffView {
  changes: 'DIFF_UNKNOWN' | 'DIFF_NONE' | 'DIFF_SOME';
  replaces: string[];
  deleteBeforeReplace: boolean;
  detailedDiff: Record<string, string>;
}

export type StepKind = 'create' | 'same' | 'update' | 'replace';

export class CheckFailed extends Error {
  constructor(readonly failures: { property: string; reason: string }[]) {
    super(`check failed: ${failures.map((f) => `${f.property}: ${f.reason}`).join('; ')}`);
  }
}

const KINDS = Object.fromEntries(Object.entries(proto.PropertyDiff.Kind).map(([k, v]) => [v, k]));
const CHANGES = Object.fromEntries(Object.entries(proto.DiffResponse.DiffChanges).map(([k, v]) => [v, k]));

export const urnOf = (type: string, name: string) => `urn:pulumi:dev::alikms-test::${type}::${name}`;

export class EngineSim {
  readonly state = new Map<string, ResourceState>();
  /** Every RPC, in order, for asserting the sequence. */
  readonly calls: string[] = [];

  constructor(
    readonly plugin: RunningPlugin,
    private readonly engineAddress: string,
  ) {}

  private rpc<Res>(method: string, req: unknown): Promise<Res> {
    this.calls.push(method);
    return this.plugin.call<Res>(method, req);
  }

  /** Handshake → GetPluginInfo → CheckConfig → Configure, as the engine loads a provider. */
  async startup(config: Props): Promise<{ version: string; configure: proto.ConfigureResponse }> {
    await this.rpc('handshake', new proto.ProviderHandshakeRequest().setEngineAddress(this.engineAddress).setConfigureWithUrn(true));
    const info = await this.rpc<PluginInfo>('getPluginInfo', new (require('google-protobuf/google/protobuf/empty_pb').Empty)());
    const checked = await this.rpc<proto.CheckResponse>(
      'checkConfig',
      new proto.CheckRequest()
        .setUrn('urn:pulumi:dev::alikms-test::pulumi:providers:alikms::default')
        .setOlds(toStruct({}))
        .setNews(toStruct(config)),
    );
    if (checked.getFailuresList().length)
      throw new CheckFailed(checked.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })));
    const req = new proto.ConfigureRequest()
      .setArgs(checked.getInputs())
      .setAcceptsecrets(true)
      .setAcceptresources(true)
      .setSendsOldInputs(true)
      .setSendsOldInputsToDelete(true);
    for (const [k, v] of Object.entries(config)) if (typeof v === 'string') req.getVariablesMap().set(`alikms:config:${k}`, v);
    return { version: info.getVersion(), configure: await this.rpc<proto.ConfigureResponse>('configure', req) };
  }

  async check(type: string, name: string, olds: Props, news: Props): Promise<Props> {
    const res = await this.rpc<proto.CheckResponse>(
      'check',
      new proto.CheckRequest().setUrn(urnOf(type, name)).setType(type).setName(name).setOlds(toStruct(olds)).setNews(toStruct(news)),
    );
    if (res.getFailuresList().length)
      throw new CheckFailed(res.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })));
    return fromStruct(res.getInputs());
  }

  async diff(type: string, name: string, id: string, olds: Props, oldInputs: Props, news: Props): Promise<DiffView> {
    const res = await this.rpc<proto.DiffResponse>(
      'diff',
      new proto.DiffRequest()
        .setUrn(urnOf(type, name))
        .setType(type)
        .setName(name)
        .setId(id)
        .setOlds(toStruct(olds))
        .setOldInputs(toStruct(oldInputs))
        .setNews(toStruct(news)),
    );
    const detailedDiff: Record<string, string> = {};
    res.getDetaileddiffMap().forEach((v, k) => (detailedDiff[k] = KINDS[v.getKind()]));
    return {
      changes: CHANGES[res.getChanges()] as DiffView['changes'],
      replaces: res.getReplacesList(),
      deleteBeforeReplace: res.getDeletebeforereplace(),
      detailedDiff,
    };
  }

  /** Create; a partial failure (ErrorResourceInitFailed in the status details) becomes a PartialCreate. */
  private async create(type: string, name: string, inputs: Props, preview: boolean, timeout = 0): Promise<{ id: string; outputs: Props }> {
    const req = new proto.CreateRequest()
      .setUrn(urnOf(type, name))
      .setType(type)
      .setName(name)
      .setProperties(toStruct(inputs))
      .setPreview(preview)
      .setTimeout(timeout);
    try {
      const res = await this.rpc<proto.CreateResponse>('create', req);
      return { id: res.getId(), outputs: fromStruct(res.getProperties()) };
    } catch (e) {
      const details = (e as ServiceError).metadata?.get('grpc-status-details-bin')?.[0] as Buffer | undefined;
      const init = details
        ? Status.deserializeBinary(details)
            .getDetailsList()[0]
            ?.unpack(proto.ErrorResourceInitFailed.deserializeBinary, 'pulumirpc.ErrorResourceInitFailed')
        : undefined;
      if (!init) throw e;
      throw new PartialCreate(init.getId(), fromStruct(init.getProperties()), init.getReasonsList(), (e as ServiceError).details);
    }
  }

  async delete(type: string, name: string, s: ResourceState, timeout = 0): Promise<void> {
    await this.rpc(
      'delete',
      new proto.DeleteRequest()
        .setUrn(urnOf(type, name))
        .setType(type)
        .setName(name)
        .setId(s.id)
        .setProperties(toStruct(s.outputs))
        .setOldInputs(toStruct(s.inputs))
        .setTimeout(timeout),
    );
  }

  /** A Pulumi invoke (`alikms.getKeys(...)` in a program): the engine forwards it to the provider's Invoke. */
  async invoke(token: string, args: Props): Promise<Props> {
    const res = await this.rpc<proto.InvokeResponse>('invoke', new proto.InvokeRequest().setTok(token).setArgs(toStruct(args)));
    if (res.getFailuresList().length)
      throw new CheckFailed(res.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })));
    return fromStruct(res.getReturn());
  }

  /**
   * One resource registration during `up` (preview=false) or `preview` (preview=true, state untouched), as
   * step_generator.go plans it: Check, Diff (skipped for a targeted replace), then same / update / replace. The
   * `replaceOnChanges` option turns a changed property into a replacement; `deleteBeforeReplace` (option, else the
   * provider's answer) orders the replacement. A resource left by a partial create is updated even without a diff.
   */
  async register(
    type: string,
    name: string,
    program: Props,
    options: boolean | RegisterOptions = {},
  ): Promise<{ step: StepKind; diff?: DiffView; outputs: Props; id: string }> {
    const o: RegisterOptions = typeof options === 'boolean' ? { preview: options } : options;
    const preview = o.preview ?? false;
    const timeouts = o.customTimeouts ?? {};
    const urn = urnOf(type, name);
    const old = this.state.get(urn);
    if (!old) {
      const inputs = await this.check(type, name, {}, program);
      const made = await this.createRecording(type, name, inputs, preview, timeouts.create);
      return { step: 'create', ...made };
    }
    let diff: DiffView;
    let inputs: Props;
    if (o.targetedReplace) {
      inputs = await this.check(type, name, {}, program);
      diff = { changes: 'DIFF_SOME', replaces: ['id'], deleteBeforeReplace: false, detailedDiff: {} };
    } else {
      inputs = await this.check(type, name, old.inputs, program);
      diff = await this.diff(type, name, old.id, old.outputs, old.inputs, inputs);
      const forced = Object.keys(diff.detailedDiff).filter((k) => o.replaceOnChanges?.includes(k));
      if (forced.length) diff = { ...diff, changes: 'DIFF_SOME', replaces: [...new Set([...diff.replaces, ...forced])] };
      if (old.initErrors?.length) diff = { ...diff, changes: 'DIFF_SOME' };
    }
    if (diff.changes === 'DIFF_NONE') {
      if (!preview) this.state.set(urn, { ...old, inputs });
      return { step: 'same', diff, outputs: old.outputs, id: old.id };
    }
    if (diff.replaces.length === 0) {
      const res = await this.rpc<proto.UpdateResponse>(
        'update',
        new proto.UpdateRequest()
          .setUrn(urn)
          .setType(type)
          .setName(name)
          .setId(old.id)
          .setOlds(toStruct(old.outputs))
          .setOldInputs(toStruct(old.inputs))
          .setNews(toStruct(inputs))
          .setPreview(preview)
          .setTimeout(timeouts.update ?? 0),
      );
      const outputs = fromStruct(res.getProperties());
      if (!preview) this.state.set(urn, { type, id: old.id, inputs, outputs });
      return { step: 'update', diff, outputs, id: old.id };
    }
    // Replacement: re-Check with no olds (a targeted replace already did), then create-before-delete, or delete first
    // when the option or the provider asks for it.
    const fresh = o.targetedReplace ? inputs : await this.check(type, name, {}, program);
    const deleteFirst = o.deleteBeforeReplace ?? diff.deleteBeforeReplace;
    if (deleteFirst && !preview) {
      await this.delete(type, name, old, timeouts.delete);
      this.state.delete(urn);
    }
    const made = await this.createRecording(type, name, fresh, preview, timeouts.create);
    if (!deleteFirst && !preview) await this.delete(type, name, old, timeouts.delete);
    return { step: 'replace', diff: { ...diff, deleteBeforeReplace: deleteFirst }, ...made };
  }

  /** Create, keeping the state as the engine does: the new resource, or the half-made one of a partial failure. */
  private async createRecording(type: string, name: string, inputs: Props, preview: boolean, timeout?: number) {
    const urn = urnOf(type, name);
    try {
      const made = await this.create(type, name, inputs, preview, timeout);
      if (!preview) this.state.set(urn, { type, id: made.id, inputs, outputs: made.outputs });
      return made;
    } catch (e) {
      if (e instanceof PartialCreate) this.state.set(urn, { type, id: e.id, inputs, outputs: e.outputs, initErrors: e.reasons });
      throw e;
    }
  }

  async read(
    type: string,
    name: string,
    id: string,
    state: Props,
    inputs?: Props,
  ): Promise<{ id: string; outputs: Props; inputs?: Props }> {
    const req = new proto.ReadRequest().setUrn(urnOf(type, name)).setType(type).setName(name).setId(id).setProperties(toStruct(state));
    if (inputs) req.setInputs(toStruct(inputs));
    const res = await this.rpc<proto.ReadResponse>('read', req);
    return { id: res.getId(), outputs: fromStruct(res.getProperties()), inputs: res.hasInputs() ? fromStruct(res.getInputs()) : undefined };
  }

  /**
   * `pulumi refresh` of one resource: Read(inputs, state), then Diff(new outputs, new inputs, news = OLD inputs), which
   * the engine inverts for display. Returns 'deleted' when the resource is gone.
   */
  async refresh(type: string, name: string): Promise<DiffView | 'deleted'> {
    const urn = urnOf(type, name);
    const old = this.state.get(urn)!;
    const read = await this.read(type, name, old.id, old.outputs, old.inputs);
    if (!read.id) {
      this.state.delete(urn);
      return 'deleted';
    }
    const inputs = read.inputs ?? old.inputs;
    this.state.set(urn, { ...old, id: read.id, inputs, outputs: read.outputs });
    return this.diff(type, name, read.id, read.outputs, inputs, old.inputs);
  }

  /** `pulumi import type name id`: Read with the id only, then Check + Diff the program against what was read. */
  async import(type: string, name: string, id: string, program: Props): Promise<{ read: Props; diff: DiffView }> {
    const read = await this.read(type, name, id, {});
    if (!read.id) throw new Error(`import: ${type} ${id} not found`);
    const inputs = await this.check(type, name, read.inputs ?? {}, program);
    const diff = await this.diff(type, name, read.id, read.outputs, read.inputs ?? {}, inputs);
    this.state.set(urnOf(type, name), { type, id: read.id, inputs, outputs: read.outputs });
    return { read: read.inputs ?? {}, diff };
  }

  /** `pulumi destroy` of one resource. */
  async destroy(type: string, name: string): Promise<void> {
    const urn = urnOf(type, name);
    await this.delete(type, name, this.state.get(urn)!);
    this.state.delete(urn);
  }
}
