/** A clean slate between test suites that share an emulator: reset through the testing helper and the admin endpoint. */
import { startEmulator } from '../../src/testing';
import { sharedEmulator } from '../../src/testing-shared';
import { acs3Client } from '../support/clients';

test('reset forgets the account’s keys, aliases and instances in every region; other accounts keep theirs', async () => {
  const emu = await startEmulator({ seed: { accounts: [{ id: '2222222222222222', accessKeys: [{ id: 'b', secret: 'b' }] }] } });
  try {
    const acs3 = acs3Client({ endpoint: emu.endpoint });
    const other = acs3Client({ endpoint: emu.endpoint, accessKeyId: 'b', accessKeySecret: 'b' });
    const key = (await acs3('CreateKey', {})).KeyMetadata.KeyId;
    await acs3('CreateAlias', { AliasName: 'alias/gone', KeyId: key });
    await acs3('CreateKey', { RegionId: 'cn-shanghai' });
    await other('CreateKey', {});
    await emu.reset();
    expect((await acs3('ListKeys', {})).TotalCount).toBe(0);
    expect((await acs3('ListKeys', { RegionId: 'cn-shanghai' })).TotalCount).toBe(0);
    expect((await acs3('ListAliases', {})).TotalCount).toBe(0);
    expect((await other('ListKeys', {})).TotalCount).toBe(1);

    // The same through the admin endpoint, as sharedEmulator() (jest globalSetup) reaches it.
    await acs3('CreateKey', {});
    const shared = sharedEmulator({
      ALIKMS_ENDPOINT: emu.endpoint,
      ALIBABA_CLOUD_ACCESS_KEY_ID: 'test',
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'test',
    });
    await shared.reset();
    expect((await acs3('ListKeys', {})).TotalCount).toBe(0);
  } finally {
    await emu.stop();
  }
});
