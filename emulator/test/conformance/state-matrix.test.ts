/**
 * The key-state x API matrix (kms-openapi.md §3.4), control-plane rows, cell by cell: every operation is tried on a
 * fresh key in each of the four states and must answer exactly the matrix's success or 409 Rejected.* code.
 * (The Encrypt/Decrypt/GenerateDataKey row belongs with the data-plane actions and their tests.)
 */
import * as $Kms from '@alicloud/kms20160120';
import { LIMITS } from '../../src/domain/limits';
import { acs3Client, kmsClient } from '../support/clients';
import { type TestEmulator, useEmulator } from '../support/emulator';
import { expectError } from '../support/errors';

type State = 'Enabled' | 'Disabled' | 'PendingDeletion' | 'PendingImport';
const STATES: State[] = ['Enabled', 'Disabled', 'PendingDeletion', 'PendingImport'];
const OK = 'Success';
type Cell = typeof OK | 'Rejected.StateModifiedFailed' | 'Rejected.Disabled' | 'Rejected.PendingDeletion' | 'Rejected.PendingImport';

let emu: TestEmulator;
let kms: ReturnType<typeof kmsClient>;
let acs3: ReturnType<typeof acs3Client>;
let aliasCount = 0;
const freshAlias = () => `alias/matrix-${++aliasCount}`;

useEmulator(async (e) => {
  emu = e;
  kms = kmsClient(emu);
  acs3 = acs3Client(emu);
  await kms.createKey(new $Kms.CreateKeyRequest({})); // the account's default key; the matrix keys come after it
});

/** A new key in `state`. EXTERNAL keys are symmetric only, so a PendingImport key is always AES. */
async function keyIn(state: State, keySpec = 'Aliyun_AES_256', prepare?: (keyId: string) => Promise<string>) {
  const origin = state === 'PendingImport' ? 'EXTERNAL' : undefined;
  const keyId = (await kms.createKey(new $Kms.CreateKeyRequest({ keySpec: origin ? 'Aliyun_AES_256' : keySpec, origin }))).keyMetadata
    .keyId;
  const prepared = await prepare?.(keyId);
  if (state === 'Disabled') await kms.disableKey(new $Kms.DisableKeyRequest({ keyId }));
  // 366 days: the emulator clock moves forward in this file, and the key must still be pending afterwards.
  if (state === 'PendingDeletion') await kms.scheduleKeyDeletion(new $Kms.ScheduleKeyDeletionRequest({ keyId, pendingWindowInDays: 366 }));
  const actual = (await kms.describeKey(new $Kms.DescribeKeyRequest({ keyId }))).keyMetadata.keyState;
  expect(actual).toBe(state);
  return { keyId, prepared };
}

interface Row {
  api: string;
  cells: Record<State, Cell>;
  /** Runs on the new key before it is moved into the state under test; its result is passed to `run`. */
  prepare?(keyId: string): Promise<string>;
  /** The call, on a key in the state under test. */
  run(keyId: string, prepared?: string): Promise<unknown>;
  /** The state a successful call leaves the key in, when it changes it. */
  after?: Partial<Record<State, State>>;
  keySpec?: string;
}

const all = (cell: Cell): Record<State, Cell> => ({ Enabled: cell, Disabled: cell, PendingDeletion: cell, PendingImport: cell });
const SMF = 'Rejected.StateModifiedFailed';

const ROWS: Row[] = [
  { api: 'DescribeKey', cells: all(OK), run: (keyId) => kms.describeKey(new $Kms.DescribeKeyRequest({ keyId })) },
  { api: 'ListKeys', cells: all(OK), run: () => kms.listKeys(new $Kms.ListKeysRequest({})) },
  { api: 'ListAliases', cells: all(OK), run: () => kms.listAliases(new $Kms.ListAliasesRequest({})) },
  { api: 'ListAliasesByKeyId', cells: all(OK), run: (keyId) => kms.listAliasesByKeyId(new $Kms.ListAliasesByKeyIdRequest({ keyId })) },
  {
    api: 'DeleteAlias',
    cells: all(OK),
    // The alias is made just after the key is, before it enters the state under test.
    prepare: async (keyId) => {
      const aliasName = freshAlias();
      await kms.createAlias(new $Kms.CreateAliasRequest({ aliasName, keyId }));
      return aliasName;
    },
    run: (_keyId, aliasName) => kms.deleteAlias(new $Kms.DeleteAliasRequest({ aliasName })),
  },
  {
    api: 'EnableKey',
    cells: { Enabled: OK, Disabled: OK, PendingDeletion: SMF, PendingImport: SMF },
    run: (keyId) => kms.enableKey(new $Kms.EnableKeyRequest({ keyId })),
    after: { Disabled: 'Enabled' },
  },
  {
    api: 'DisableKey',
    cells: { Enabled: OK, Disabled: OK, PendingDeletion: SMF, PendingImport: SMF },
    run: (keyId) => kms.disableKey(new $Kms.DisableKeyRequest({ keyId })),
    after: { Enabled: 'Disabled' },
  },
  {
    api: 'ScheduleKeyDeletion',
    cells: { Enabled: OK, Disabled: OK, PendingDeletion: SMF, PendingImport: OK },
    run: (keyId) => kms.scheduleKeyDeletion(new $Kms.ScheduleKeyDeletionRequest({ keyId, pendingWindowInDays: 30 })),
    after: { Enabled: 'PendingDeletion', Disabled: 'PendingDeletion', PendingImport: 'PendingDeletion' },
  },
  {
    api: 'CancelKeyDeletion',
    cells: { Enabled: SMF, Disabled: SMF, PendingDeletion: OK, PendingImport: SMF },
    run: (keyId) => kms.cancelKeyDeletion(new $Kms.CancelKeyDeletionRequest({ keyId })),
    after: { PendingDeletion: 'Enabled' },
  },
  {
    api: 'CreateAlias',
    cells: { Enabled: OK, Disabled: OK, PendingDeletion: SMF, PendingImport: OK },
    run: (keyId) => kms.createAlias(new $Kms.CreateAliasRequest({ aliasName: freshAlias(), keyId })),
  },
  {
    api: 'UpdateAlias (target key)',
    cells: { Enabled: OK, Disabled: OK, PendingDeletion: 'Rejected.PendingDeletion', PendingImport: OK },
    async run(keyId) {
      const aliasName = freshAlias();
      await kms.createAlias(new $Kms.CreateAliasRequest({ aliasName, keyId: (await keyIn('Enabled')).keyId }));
      return kms.updateAlias(new $Kms.UpdateAliasRequest({ aliasName, keyId }));
    },
  },
  {
    api: 'SetDeletionProtection',
    cells: { Enabled: OK, Disabled: OK, PendingDeletion: SMF, PendingImport: OK },
    run: (keyId) => acs3('SetDeletionProtection', { ProtectedResourceArn: keyId, EnableDeletionProtection: true }),
  },
  {
    api: 'UpdateRotationPolicy',
    cells: { Enabled: OK, Disabled: OK, PendingDeletion: SMF, PendingImport: OK },
    run: (keyId) => kms.updateRotationPolicy(new $Kms.UpdateRotationPolicyRequest({ keyId, enableAutomaticRotation: false })),
  },
  {
    api: 'CreateKeyVersion',
    keySpec: 'EC_P256',
    cells: {
      Enabled: OK,
      Disabled: 'Rejected.Disabled',
      PendingDeletion: 'Rejected.PendingDeletion',
      PendingImport: 'Rejected.PendingImport',
    },
    async run(keyId) {
      emu.clock.advance(LIMITS.keyVersionMinIntervalSeconds * 1000);
      return kms.createKeyVersion(new $Kms.CreateKeyVersionRequest({ keyId }));
    },
  },
  {
    api: 'UpdateKeyDescription',
    cells: all(OK),
    run: (keyId) => kms.updateKeyDescription(new $Kms.UpdateKeyDescriptionRequest({ keyId, description: 'm' })),
  },
  {
    api: 'TagResource',
    cells: all(OK),
    run: (keyId) => kms.tagResource(new $Kms.TagResourceRequest({ keyId, tags: '[{"TagKey":"a","TagValue":"b"}]' })),
  },
  { api: 'UntagResource', cells: all(OK), run: (keyId) => kms.untagResource(new $Kms.UntagResourceRequest({ keyId, tagKeys: '["a"]' })) },
  { api: 'ListResourceTags', cells: all(OK), run: (keyId) => kms.listResourceTags(new $Kms.ListResourceTagsRequest({ keyId })) },
  { api: 'GetKeyPolicy', cells: all(OK), run: (keyId) => acs3('GetKeyPolicy', { KeyId: keyId }) },
  { api: 'SetKeyPolicy', cells: all(OK), run: (keyId) => acs3('SetKeyPolicy', { KeyId: keyId, Policy: '{"Version":"1","Statement":[]}' }) },
  { api: 'ListKeyVersions', cells: all(OK), run: (keyId) => kms.listKeyVersions(new $Kms.ListKeyVersionsRequest({ keyId })) },
];

const CASES = ROWS.flatMap((row) => STATES.map((state) => [row.api, state, row.cells[state], row] as const));

test.each(CASES)('%s on a %s key: %s', async (_api, state, cell, row) => {
  const { keyId, prepared } = await keyIn(state, row.keySpec, row.prepare);
  if (cell === OK) await row.run(keyId, prepared);
  else await expectError(row.run(keyId, prepared), cell, 409);
  const expected = cell === OK ? (row.after?.[state] ?? state) : state;
  expect((await kms.describeKey(new $Kms.DescribeKeyRequest({ keyId }))).keyMetadata.keyState).toBe(expected);
});

test('cancelling the deletion of a key that never got its material returns it to PendingImport, not Enabled', async () => {
  const { keyId } = await keyIn('PendingImport');
  await kms.scheduleKeyDeletion(new $Kms.ScheduleKeyDeletionRequest({ keyId, pendingWindowInDays: 7 }));
  await kms.cancelKeyDeletion(new $Kms.CancelKeyDeletionRequest({ keyId }));
  expect((await kms.describeKey(new $Kms.DescribeKeyRequest({ keyId }))).keyMetadata).toMatchObject({
    keyState: 'PendingImport',
    deleteDate: '',
  });
  await expectError(kms.enableKey(new $Kms.EnableKeyRequest({ keyId })), 'Rejected.StateModifiedFailed', 409);
});
