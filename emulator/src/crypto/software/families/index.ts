/** Every software family, by the name the spec registry gives it: a new family must be listed here to compile. */
import type { Family } from '../../../domain/specs';
import { aes } from './aes-gcm';
import { ecdsa } from './ecdsa';
import type { SoftwareFamily } from './family';
import { rsa } from './rsa';
import { sm2Family } from './sm2';
import { sm4 } from './sm4-gcm';

export const FAMILIES: { readonly [F in Family]: SoftwareFamily } = { aes, sm4, rsa, ecdsa, sm2: sm2Family };
