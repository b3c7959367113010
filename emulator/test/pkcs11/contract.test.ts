/**
 * The backend contract against both implementations: the software backend, and the PKCS#11 backend on a fresh
 * SoftHSM2 token. The declared refusals are SoftHSM2 2.6.1's gaps (see src/crypto/pkcs11/mechanisms.ts).
 */
import { Pkcs11Backend } from '../../src/crypto/pkcs11/backend';
import { RootKey } from '../../src/crypto/root-key';
import { SoftwareBackend } from '../../src/crypto/software/backend';
import { createSoftHsm } from '../support/softhsm';
import { backendContract } from './backend-contract';

backendContract('software', async () => ({
  backend: new SoftwareBackend(RootKey.loadOrCreate(undefined, undefined)),
  unsupportedSpecs: [],
  unsupportedAlgorithms: [],
  close: async () => undefined,
}));

backendContract('pkcs11 (SoftHSM2)', async () => {
  const hsm = createSoftHsm('contract');
  const backend = await Pkcs11Backend.open(hsm.options);
  return {
    backend,
    unsupportedSpecs: ['Aliyun_SM4', 'EC_SM2'],
    unsupportedAlgorithms: ['RSAES_OAEP_SHA_256'],
    close: async () => {
      await backend.close();
      hsm.remove();
    },
  };
});
