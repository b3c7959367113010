/**
 * The ResourceProvider gRPC service on the stubs shipped in @pulumi/pulumi. Unlike the stock
 * @pulumi/pulumi/provider server it forwards config, old inputs and ignoreChanges, answers detailedDiff,
 * Handshake, CheckConfig/DiffConfig, and supports preview.
 */
import * as grpc from '@grpc/grpc-js';
import { Any } from 'google-protobuf/google/protobuf/any_pb';
import { Empty } from 'google-protobuf/google/protobuf/empty_pb';
import { Struct } from 'google-protobuf/google/protobuf/struct_pb';
import * as plugin from '@pulumi/pulumi/proto/plugin_pb';
import * as proto from '@pulumi/pulumi/proto/provider_pb';
import { ResourceProviderService } from '@pulumi/pulumi/proto/provider_grpc_pb';
import { Status } from '@pulumi/pulumi/proto/status_pb';
import type { DiffResult } from './diff';
import type { EngineLogger } from './log';
import { PROVIDER_VERSION, Provider } from './provider';
import { PartialCreateError, type CheckFailure } from './resource';
import type { Props } from './values';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

type Handler<Req, Res> = (call: grpc.ServerUnaryCall<Req, Res>, cb: grpc.sendUnaryData<Res>) => void;

const struct = (s: Struct | undefined): Props => (s ? (s.toJavaScript() as Props) : {});
const toStruct = (p: Props) => Struct.fromJavaScript(p as Record<string, any>);

function grpcError(e: unknown): Partial<grpc.StatusObject> {
  const message = (e as Error)?.message ?? String(e);
  if (!(e instanceof PartialCreateError)) return { code: grpc.status.UNKNOWN, details: message };
  // grpc-status-details-bin carries ErrorResourceInitFailed so the engine records the half-made resource.
  const detail = new proto.ErrorResourceInitFailed().setId(e.id).setProperties(toStruct(e.properties)).setReasonsList([message]);
  const any = new Any();
  any.pack(detail.serializeBinary(), 'pulumirpc.ErrorResourceInitFailed');
  const status = new Status().setCode(grpc.status.UNKNOWN).setMessage(message);
  status.addDetails(any);
  const metadata = new grpc.Metadata();
  metadata.add('grpc-status-details-bin', Buffer.from(status.serializeBinary()));
  return { code: grpc.status.UNKNOWN, details: message, metadata };
}

/** Wraps an async handler: its result or its error becomes the gRPC reply. */
function unary<Req, Res>(f: (req: Req) => Promise<Res> | Res): Handler<Req, Res> {
  return (call, cb) => {
    Promise.resolve()
      .then(() => f(call.request))
      .then(
        (res) => cb(null, res),
        (e) => cb(grpcError(e) as grpc.ServiceError, null),
      )
      // A reply that cannot be built (an unserialisable value) must fail this call, not crash the plugin
      // through an unhandled rejection.
      .catch((e) => cb({ code: grpc.status.INTERNAL, details: `alikms: ${(e as Error)?.message ?? e}` } as grpc.ServiceError, null));
  };
}

const unimplemented: Handler<unknown, unknown> = (_call, cb) =>
  cb({ code: grpc.status.UNIMPLEMENTED, details: 'not implemented by alikms' } as grpc.ServiceError, null);

function checkResponse(inputs: Props, failures: CheckFailure[]): proto.CheckResponse {
  return new proto.CheckResponse()
    .setInputs(toStruct(inputs))
    .setFailuresList(failures.map((f) => new proto.CheckFailure().setProperty(f.property).setReason(f.reason)));
}

function diffResponse(d: DiffResult): proto.DiffResponse {
  const res = new proto.DiffResponse()
    .setChanges(d.changes ? proto.DiffResponse.DiffChanges.DIFF_SOME : proto.DiffResponse.DiffChanges.DIFF_NONE)
    .setReplacesList(d.replaces)
    .setDeletebeforereplace(d.deleteBeforeReplace)
    .setDiffsList(Object.keys(d.detailedDiff))
    .setHasdetaileddiff(true);
  const map = res.getDetaileddiffMap();
  for (const [k, kind] of Object.entries(d.detailedDiff))
    map.set(k, new proto.PropertyDiff().setKind(proto.PropertyDiff.Kind[kind]).setInputdiff(true));
  return res;
}

/** schema.json sits beside dist/ in the plugin tarball and at the repo root in the dev tree. */
export function schemaText(): string {
  for (const p of [join(__dirname, '..', 'schema.json'), join(__dirname, '..', '..', 'schema.json')]) {
    try {
      return readFileSync(p, 'utf8');
    } catch {
      // try the next layout
    }
  }
  throw new Error('schema.json not found beside the plugin');
}

export function providerService(provider: Provider, logger: EngineLogger): grpc.UntypedServiceImplementation {
  return {
    handshake: unary((req: proto.ProviderHandshakeRequest) => {
      logger.connect(req.getEngineAddress());
      return new proto.ProviderHandshakeResponse().setAcceptSecrets(true).setAcceptResources(true).setAcceptOutputs(false);
    }),
    getPluginInfo: unary(() => new plugin.PluginInfo().setVersion(PROVIDER_VERSION)),
    getSchema: unary((req: proto.GetSchemaRequest) => {
      if (req.getVersion() !== 0) throw new Error(`unsupported schema version ${req.getVersion()}`);
      return new proto.GetSchemaResponse().setSchema(schemaText());
    }),
    checkConfig: unary((req: proto.CheckRequest) => {
      const r = provider.checkConfig(struct(req.getNews()));
      return checkResponse(r.inputs, r.failures);
    }),
    diffConfig: unary((req: proto.DiffRequest) =>
      diffResponse(provider.diffConfig(struct(req.getOldInputs() ?? req.getOlds()), struct(req.getNews()))),
    ),
    configure: unary((req: proto.ConfigureRequest) => {
      const variables: Record<string, string> = {};
      req.getVariablesMap().forEach((v, k) => (variables[k] = v));
      provider.configure(req.hasArgs() ? struct(req.getArgs()) : undefined, variables);
      return new proto.ConfigureResponse().setAcceptsecrets(true).setAcceptresources(true).setSupportspreview(true).setAcceptoutputs(false);
    }),
    check: unary(async (req: proto.CheckRequest) => {
      const r = await provider.check(req.getUrn(), req.getType(), struct(req.getOlds()), struct(req.getNews()));
      return checkResponse(r.inputs, r.failures);
    }),
    diff: unary(async (req: proto.DiffRequest) =>
      diffResponse(
        await provider.diff(
          req.getUrn(),
          req.getType(),
          req.getId(),
          struct(req.getOlds()),
          struct(req.getNews()),
          req.getIgnorechangesList(),
          struct(req.getOldInputs()),
        ),
      ),
    ),
    create: unary(async (req: proto.CreateRequest) => {
      const r = await provider.create(req.getUrn(), req.getType(), struct(req.getProperties()), req.getPreview(), req.getTimeout());
      return new proto.CreateResponse().setId(r.id).setProperties(toStruct(r.outputs));
    }),
    read: unary(async (req: proto.ReadRequest) => {
      const r = await provider.read(
        req.getUrn(),
        req.getType(),
        req.getId(),
        struct(req.getProperties()),
        req.hasInputs() ? struct(req.getInputs()) : undefined,
      );
      const res = new proto.ReadResponse().setId(r.id);
      if (r.outputs) res.setProperties(toStruct(r.outputs));
      if (r.inputs) res.setInputs(toStruct(r.inputs));
      return res;
    }),
    update: unary(async (req: proto.UpdateRequest) => {
      const outputs = await provider.update(
        req.getUrn(),
        req.getType(),
        req.getId(),
        struct(req.getOlds()),
        struct(req.getNews()),
        req.getPreview(),
        struct(req.getOldInputs()),
        req.getTimeout(),
      );
      return new proto.UpdateResponse().setProperties(toStruct(outputs));
    }),
    delete: unary(async (req: proto.DeleteRequest) => {
      await provider.delete(
        req.getUrn(),
        req.getType(),
        req.getId(),
        struct(req.getProperties()),
        struct(req.getOldInputs()),
        req.getTimeout(),
      );
      return new Empty();
    }),
    cancel: unary(() => {
      provider.cancel();
      return new Empty();
    }),
    attach: unary((req: plugin.PluginAttach) => {
      logger.connect(req.getAddress());
      return new Empty();
    }),
    parameterize: unimplemented,
    invoke: unary(async (req: proto.InvokeRequest) => {
      const r = await provider.invoke(req.getTok(), struct(req.getArgs()));
      return new proto.InvokeResponse()
        .setReturn(toStruct(r.outputs))
        .setFailuresList(r.failures.map((f) => new proto.CheckFailure().setProperty(f.property).setReason(f.reason)));
    }),
    call: unimplemented,
    construct: unimplemented,
    list: unimplemented,
    getMapping: unary(() => new proto.GetMappingResponse().setProvider('').setData('')),
    getMappings: unary(() => new proto.GetMappingsResponse()),
  };
}

export function serve(provider: Provider, logger: EngineLogger): Promise<{ server: grpc.Server; port: number }> {
  const server = new grpc.Server({ 'grpc.max_receive_message_length': 400 * 1024 * 1024 });
  server.addService(ResourceProviderService, providerService(provider, logger));
  return new Promise((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) =>
      err ? reject(err) : resolve({ server, port }),
    ),
  );
}
