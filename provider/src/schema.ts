/**
 * The Pulumi package schema, built from the resource definitions so schema.json cannot drift from what the provider
 * serves. `node provider/dist/schema.js` rewrites ../schema.json; a test proves the file is current.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_ENV, SECRET_CONFIG, type ConfigKey } from './config';
import type { PropertySpec, ResourceDefinition } from './resource';
import { ENUMS, type EnumType } from './enums';
import { FUNCTION_TYPES, FUNCTIONS, type FunctionDefinition } from './functions';
import { RESOURCES } from './resources';
import { TYPES } from './resources/types';

const CONFIG_DOCS: Record<ConfigKey, string> = {
  endpoint: 'KMS endpoint URL, e.g. `http://127.0.0.1:4599` for the emulator. Defaults to `https://kms.<region>.aliyuncs.com`.',
  region: 'Region ID. Defaults to `cn-hangzhou`.',
  accessKeyId: 'AccessKey ID.',
  accessKeySecret: 'AccessKey secret.',
  securityToken: 'STS security token, for temporary credentials.',
  bssEndpoint:
    'BssOpenApi endpoint (instance purchase). Defaults to `https://business.aliyuncs.com`, or to `endpoint` when that is not a cloud endpoint.',
};

type Json = Record<string, unknown>;

export function propertySchema(spec: PropertySpec): Json {
  const p: Json = spec.enumType
    ? { $ref: `#/types/${spec.enumType.token}`, description: spec.description }
    : { type: spec.type, description: spec.enum ? `${spec.description} One of: ${spec.enum.join(', ')}.` : spec.description };
  if (spec.items) p.items = spec.items;
  if (spec.additionalProperties) p.additionalProperties = spec.additionalProperties;
  if (spec.default !== undefined && spec.input) p.default = spec.default;
  if (spec.secret) p.secret = true;
  if (spec.replaceOnChanges) p.willReplaceOnChanges = true;
  return p;
}

function resourceSchema(def: ResourceDefinition): Json {
  const inputs = Object.entries(def.properties).filter(([, s]) => s.input);
  // Write-only inputs (key material) are never outputs, nor state a `get()` could pass.
  const all = Object.entries(def.properties).filter(([, s]) => !s.writeOnly);
  return {
    description: def.description,
    properties: Object.fromEntries(all.map(([k, s]) => [k, propertySchema(s)])),
    required: all.filter(([, s]) => s.alwaysOutput || s.input === 'required').map(([k]) => k),
    inputProperties: Object.fromEntries(inputs.map(([k, s]) => [k, propertySchema(s)])),
    requiredInputs: inputs.filter(([, s]) => s.input === 'required').map(([k]) => k),
    stateInputs: {
      description: `Input properties used for looking up and filtering ${def.token.split(':')[2]} resources.`,
      properties: Object.fromEntries(all.map(([k, s]) => [k, propertySchema(s)])),
      type: 'object',
    },
  };
}

function functionSchema(fn: FunctionDefinition): Json {
  const inputs = Object.entries(fn.inputs),
    outputs = Object.entries(fn.outputs);
  return {
    description: fn.description,
    inputs: {
      type: 'object',
      properties: Object.fromEntries(inputs.map(([k, s]) => [k, propertySchema(s)])),
      required: inputs.filter(([, s]) => s.input === 'required').map(([k]) => k),
    },
    outputs: {
      type: 'object',
      properties: Object.fromEntries(outputs.map(([k, s]) => [k, propertySchema(s)])),
      required: outputs.filter(([, s]) => s.alwaysOutput).map(([k]) => k),
    },
  };
}

const enumSchema = (e: EnumType): Json => ({ type: 'string', description: e.description, enum: e.values });

function configSchema(): Json {
  const vars: Json = {};
  for (const [k, envs] of Object.entries(CONFIG_ENV) as [ConfigKey, string[]][]) {
    vars[k] = {
      type: 'string',
      description: CONFIG_DOCS[k],
      ...(SECRET_CONFIG.has(k) && { secret: true }),
      ...(envs.length && { defaultInfo: { environment: envs } }),
    };
  }
  return vars;
}

export function buildSchema(version = '0.1.0'): Json {
  const variables = configSchema();
  return {
    name: 'alikms',
    displayName: 'Alibaba Cloud KMS (alikms)',
    version,
    description:
      'Manage Alibaba Cloud KMS instances, keys (with imported key material), aliases, rotation policies and the default key, and look them up, in the cloud or against the alikms emulator.',
    keywords: ['pulumi', 'alibaba', 'alicloud', 'kms', 'category/cloud'],
    license: 'Apache-2.0',
    config: { variables },
    provider: {
      description: 'The alikms provider. Every setting falls back to the environment variables listed for it.',
      inputProperties: variables,
    },
    types: { ...Object.fromEntries(ENUMS.map((e) => [e.token, enumSchema(e)])), ...TYPES, ...FUNCTION_TYPES },
    resources: Object.fromEntries(RESOURCES.map((r) => [r.token, resourceSchema(r)])),
    functions: Object.fromEntries(FUNCTIONS.map((f) => [f.token, functionSchema(f)])),
    language: { nodejs: { packageName: '@alikms/pulumi', dependencies: { '@pulumi/pulumi': '^3.0.0' } } },
  };
}

export const schemaJson = (version?: string) => JSON.stringify(buildSchema(version), null, 2) + '\n';

if (require.main === module) writeFileSync(join(__dirname, '..', '..', 'schema.json'), schemaJson());
