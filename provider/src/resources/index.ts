/** Every resource the provider serves; schema.json, the SDK and the dispatcher all enumerate this list. */
import type { ResourceDefinition } from '../resource';
import { Alias } from './alias';
import { DefaultKey } from './default-key';
import { Instance } from './instance';
import { Key } from './key';
import { RotationPolicy } from './rotation-policy';

export const RESOURCES: readonly ResourceDefinition[] = [Instance, Key, Alias, RotationPolicy, DefaultKey];
