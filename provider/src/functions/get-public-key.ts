/** alikms:index:getPublicKey — the public key (PEM) of an asymmetric key's version, the primary one by default. */
import { str, type FunctionDefinition } from './function';

export const getPublicKey: FunctionDefinition = {
  token: 'alikms:index:getPublicKey',
  description: 'The public key of an asymmetric key (GetPublicKey) as PEM, for its primary version unless one is named.',
  inputs: {
    keyId: str('The key: an ID, ARN or alias.', 'required'),
    keyVersionId: str('The version; the primary version when unset.', 'optional'),
  },
  outputs: {
    keyId: { ...str('The key ID.'), alwaysOutput: true },
    keyVersionId: { ...str('The version the public key belongs to.'), alwaysOutput: true },
    publicKey: { ...str('The public key, PEM (SubjectPublicKeyInfo).'), alwaysOutput: true },
  },
  async invoke(client, args) {
    const key = await client.describeKey(args.keyId as string);
    const res = await client.call<{ PublicKey: string; KeyId: string; KeyVersionId: string }>('GetPublicKey', {
      KeyId: key.KeyId,
      KeyVersionId: (args.keyVersionId as string | undefined) ?? key.PrimaryKeyVersion,
    });
    return { keyId: res.KeyId, keyVersionId: res.KeyVersionId, publicKey: res.PublicKey };
  },
};
