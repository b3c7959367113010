/**
 * The console in real Chromium (Debian's, through playwright-core), next to the official SDKs on the same emulator:
 * what a person does in the page, the SDK sees, and the other way round. Run against each store (browser.test.ts,
 * browser-postgres.test.ts); screenshots go to test-output/console/file-store/ and postgres/.
 */
import * as $Kms from '@alicloud/kms20160120';
import type { Page } from 'playwright-core';
import { SIGN_IN_FAILED } from '../../src/console/pages/sign-in';
import { startBrowser, signIn, type TestBrowser } from '../support/browser';
import { acs3Client, kmsClient } from '../support/clients';
import type { TestEmulator } from '../support/emulator';
import { expectError } from '../support/errors';
import { readyInstance } from '../support/instances';

/** Settings the scenarios need of the emulator under test. */
export const SCENARIO_OPTIONS = { defaultKey: true, schedulerIntervalMs: 0, kms: { connectDelayMs: 0 } };

/** The scenarios against an emulator `start` makes with SCENARIO_OPTIONS (and `stop` ends). */
export function consoleScenarios(store: string, start: () => Promise<TestEmulator>, stop: (e: TestEmulator) => Promise<void>): void {
  // A describe block: its afterAll (the emulator) runs before the test file's own (the database under it).
  describe(`the console on the ${store}`, () => {
    let emu: TestEmulator;
    let browser: TestBrowser;
    let page: Page;
    let kms: ReturnType<typeof kmsClient>;

    beforeAll(async () => {
      emu = await start();
      kms = kmsClient(emu);
      browser = await startBrowser(store.replace(/ /g, '-'));
      page = browser.page;
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      if (emu) await stop(emu);
    });

    const row = (keyId: string) => page.locator(`tr[data-key-id="${keyId}"]`);

    test('signing in: a wrong secret is refused without saying why; the right one opens the Keys tab with a strict cookie', async () => {
      await signIn(page, emu.endpoint, 'test', 'not-the-secret');
      await expect(page.locator('.flash.error').textContent()).resolves.toBe(SIGN_IN_FAILED);
      expect(await page.content()).not.toContain('not-the-secret');
      await signIn(page, emu.endpoint, 'nobody', 'test');
      await expect(page.locator('.flash.error').textContent()).resolves.toBe(SIGN_IN_FAILED);
      await browser.screenshot('sign-in');

      await signIn(page, emu.endpoint, 'test', 'test');
      expect(new URL(page.url()).pathname).toBe('/console/keys');
      const [cookie] = await browser.context.cookies();
      expect(cookie).toMatchObject({ name: 'alikms_console', httpOnly: true, sameSite: 'Strict', path: '/console' });
      expect(cookie.expires * 1000).toBeGreaterThan(Date.now());
      expect(cookie.expires * 1000).toBeLessThanOrEqual(Date.now() + 3600_000 + 5_000);
    });

    test('a key created through the official SDK is listed, and its ID links to its page', async () => {
      const { keyMetadata } = await kms.createKey(new $Kms.CreateKeyRequest({ description: 'made by the SDK <b>not bold</b>' }));
      await page.goto(`${emu.endpoint}/console/keys`);
      await expect(row(keyMetadata.keyId).locator('td.description').textContent()).resolves.toBe('made by the SDK <b>not bold</b>');
      await browser.screenshot('keys');
      await row(keyMetadata.keyId).locator('a.key-id').click();
      expect(decodeURIComponent(new URL(page.url()).pathname)).toBe(`/console/keys/${keyMetadata.keyId}`);
      await expect(page.locator('#key-state').textContent()).resolves.toBe('Enabled');
      await expect(page.locator('#metadata').textContent()).resolves.toContain(keyMetadata.arn);
    });

    test('disabling the key in the page: the SDK reports it Disabled and refuses to encrypt with it', async () => {
      const { keyMetadata } = await kms.createKey(new $Kms.CreateKeyRequest({ description: 'to disable' }));
      await page.goto(`${emu.endpoint}/console/keys`);
      await row(keyMetadata.keyId).locator('a.key-id').click();
      await page.click('#actions button[value="DisableKey"]');
      await expect(page.locator('.flash.ok').textContent()).resolves.toBe(`Key ${keyMetadata.keyId} is Disabled.`);
      await expect(page.locator('#key-state').textContent()).resolves.toBe('Disabled');
      await browser.screenshot('key-disabled');
      const described = await kms.describeKey(new $Kms.DescribeKeyRequest({ keyId: keyMetadata.keyId }));
      expect(described.keyMetadata.keyState).toBe('Disabled');
      await expectError(kms.encrypt(new $Kms.EncryptRequest({ keyId: keyMetadata.keyId, plaintext: 'aGk=' })), 'Rejected.Disabled', 409);
    });

    test('Default Keys: the default CMK with its enable action, a service key and the KMS 1.0 keys', async () => {
      // The first Encrypt naming alias/acs/oss makes OSS's service key, as the cloud product's first use does.
      await kms.encrypt(new $Kms.EncryptRequest({ keyId: 'alias/acs/oss', plaintext: 'aGk=' }));
      const defaultKey = (await emu.kms.keys.findDefaultKey({ accountId: '1234567890123456', regionId: emu.region }))!;
      await kms.disableKey(new $Kms.DisableKeyRequest({ keyId: defaultKey.keyId }));

      await page.click('nav.tabs >> text=Default Keys');
      await expect(page.locator('#default-cmk').textContent()).resolves.toMatch(new RegExp(`${defaultKey.keyId}\\s*Disabled`));
      const service = page.locator('#service-keys tbody tr');
      await expect(service.count()).resolves.toBe(1);
      await expect(service.textContent()).resolves.toContain('alias/acs/oss');
      await expect(page.locator('#kms10-keys tbody tr').count()).resolves.toBe(2); // the two SDK keys above
      await page.click('#default-cmk button');
      await expect(page.locator('.flash.ok').textContent()).resolves.toBe(`The default CMK ${defaultKey.keyId} is Enabled.`);
      await browser.screenshot('default-keys');
      const described = await kms.describeKey(new $Kms.DescribeKeyRequest({ keyId: defaultKey.keyId }));
      expect(described.keyMetadata.keyState).toBe('Enabled');
    });

    test("an instance's quota bar moves after a CreateKey through the SDK", async () => {
      const instanceId = await readyInstance(emu, { keyNum: 100 });
      const keyBar = page.locator(`[data-instance-id="${instanceId}"] [data-resource="key"] meter`);
      await page.click('nav.tabs >> text=Instances');
      await expect(keyBar.getAttribute('value')).resolves.toBe('0');
      await expect(keyBar.getAttribute('max')).resolves.toBe('100');
      // @alicloud/kms20160120 1.x predates instances: the generated client's callApi (@alicloud/openapi-client) sends it.
      await acs3Client(emu)('CreateKey', { DKMSInstanceId: instanceId, Description: 'in the instance' });
      await page.reload();
      await expect(keyBar.getAttribute('value')).resolves.toBe('1');
      await expect(page.locator(`[data-instance-id="${instanceId}"] .state`).textContent()).resolves.toBe('Connected');
      await browser.screenshot('instances');
    });

    test('advancing the clock in the Time tab makes a due rotation happen', async () => {
      const { keyMetadata } = await kms.createKey(
        new $Kms.CreateKeyRequest({ enableAutomaticRotation: true, rotationInterval: '604800s', description: 'rotates weekly' }),
      );
      await page.click('nav.tabs >> text=Time');
      const scheduled = page.locator('#events tr.event.rotate', { hasText: keyMetadata.keyId });
      await expect(scheduled.count()).resolves.toBe(1);
      await expect(page.locator('svg.timeline circle.rotate').count()).resolves.toBeGreaterThan(0);
      await browser.screenshot('time');
      await page.fill('input[name="advance"]', '8d');
      await page.click('form[action="/console/do/AdvanceClock"] button');
      await expect(page.locator('.flash.ok').textContent()).resolves.toContain(`rotation of ${keyMetadata.keyId}`);
      const versions = await kms.listKeyVersions(new $Kms.ListKeyVersionsRequest({ keyId: keyMetadata.keyId }));
      expect(versions.keyVersions.keyVersion).toHaveLength(2);
      await page.locator('#events a.key-id', { hasText: keyMetadata.keyId }).click();
      await expect(page.locator('#versions tbody tr').count()).resolves.toBe(2);
    });

    test('creating a key and an alias in the page; the Keys tab filters by state, spec and instance', async () => {
      await page.click('nav.tabs >> text=Keys');
      await page.selectOption('#create-key select[name="KeySpec"]', 'EC_P256');
      await page.selectOption('#create-key select[name="KeyUsage"]', 'SIGN/VERIFY');
      await page.fill('#create-key input[name="Description"]', 'signs releases');
      await page.click('#create-key button');
      const created = /^Created key (key-\S+)\.$/.exec((await page.locator('.flash.ok').textContent()) ?? '')![1];
      await page.fill('input[name="AliasName"]', 'alias/release-signing');
      await page.click('form[action="/console/do/CreateAlias"] button');
      await expect(page.locator('#aliases').textContent()).resolves.toContain('alias/release-signing');
      const described = await kms.describeKey(new $Kms.DescribeKeyRequest({ keyId: 'alias/release-signing' }));
      expect(described.keyMetadata).toMatchObject({ keyId: created, keySpec: 'EC_P256', keyUsage: 'SIGN/VERIFY' });

      await page.click('nav.tabs >> text=Keys');
      await browser.screenshot('keys-all');
      const listed = () =>
        page.locator('#keys tbody tr[data-key-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key-id')));
      await page.selectOption('.filters select[name="spec"]', 'EC_P256');
      await page.click('.filters button');
      await expect(listed()).resolves.toEqual([created]);
      await page.selectOption('.filters select[name="spec"]', '');
      await page.selectOption('.filters select[name="state"]', 'Disabled');
      await page.click('.filters button');
      await expect(listed()).resolves.toHaveLength(1); // the key disabled above (the default CMK was enabled again)
      await page.selectOption('.filters select[name="state"]', '');
      await page.selectOption('.filters select[name="instance"]', { index: 2 }); // the one instance
      await page.click('.filters button');
      await expect(page.locator('#keys tbody tr[data-key-id] td').nth(6).textContent()).resolves.toMatch(/^kst-/);
      await expect(listed()).resolves.toHaveLength(1);
    });
  });
}
