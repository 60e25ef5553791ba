import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { KafkaCluster } from '../harness/kafkaCluster';
import { startTokenServer, type TokenServer } from '../harness/tokenServer';
import { type InstalledWorkbench, openInstalledWorkbench } from './installedWorkbench';
import { answerQuickInput, pickQuickItem, runCommand, screenshot, waitForNotification } from './workbench';

const CLIENT = { id: 'mqx-e2e-client', secret: 'E2e-OAuth-S3cret-5120' };

/** The validation message under the open quick input. */
async function quickInputMessage(page: Page, pattern: RegExp): Promise<string> {
  const message = page.locator('.quick-input-widget .quick-input-message').filter({ hasText: pattern });
  await message.waitFor({ state: 'visible', timeout: 15_000 });
  return message.innerText();
}

/**
 * The guided Add Cluster flow with SASL/OAUTHBEARER, typed in the workbench against a broker whose
 * SASL listener checks tokens from a local token endpoint.
 */
describe('Add Cluster with SASL/OAUTHBEARER through the UI (code-server + Chromium)', function () {
  this.timeout(180_000);
  let kafka: KafkaCluster | undefined;
  let tokens: TokenServer | undefined;
  let workbench: InstalledWorkbench | undefined;
  let added: string | undefined;

  before(async function () {
    this.timeout(240_000);
    tokens = await startTokenServer({ clientId: CLIENT.id, clientSecret: CLIENT.secret });
    kafka = await KafkaCluster.start({ security: { saslUsers: [{ name: 'unused', password: 'unused-password' }] } });
    workbench = await openInstalledWorkbench('e2e-oauth', () => undefined);
  });

  after(async function () {
    this.timeout(60_000);
    await workbench?.close();
    await kafka?.stop();
    await tokens?.stop();
  });

  it('asks token endpoint, client id, scope, SASL extensions and secret, refuses a URL that is not http(s), and connects', async () => {
    assert.ok(workbench && kafka && tokens);
    const page = workbench.page;
    const name = `OAuth ${randomUUID().slice(0, 6)}`;
    await runCommand(page, 'MQ Explorer: Add Cluster…');
    await answerQuickInput(page, kafka.securedBootstrap('sasl'));
    await answerQuickInput(page, name);
    await answerQuickInput(page, '');
    await pickQuickItem(page, 'SASL/OAUTHBEARER (OAuth client credentials)');
    await answerQuickInput(page, 'keycloak.example.com/token');
    assert.match(await quickInputMessage(page, /http:\/\/ or https:\/\//), /The token endpoint must be an http:\/\/ or https:\/\/ URL/);
    await answerQuickInput(page, tokens.url);
    await answerQuickInput(page, CLIENT.id);
    await answerQuickInput(page, 'kafka');
    await answerQuickInput(page, 'logicalCluster');
    assert.match(await quickInputMessage(page, /name=value/), /"logicalCluster" is not name=value/);
    await answerQuickInput(page, 'logicalCluster=lkc-e2e1');
    await answerQuickInput(page, CLIENT.secret);
    await pickQuickItem(page, 'No TLS');
    assert.match(await waitForNotification(page, `Added "${name}"`), /connected, 1 broker/);
    assert.ok(tokens.issued >= 1, 'no token was issued');
    assert.equal(tokens.forms[0]?.get('scope'), 'kafka');
    await screenshot(page, 'add-cluster-oauthbearer');
    added = name;
  });

  it('edits the cluster prefilled, keeping the stored client secret when left empty', async () => {
    assert.ok(workbench && kafka && tokens && added, 'the previous test added no cluster');
    const page = workbench.page;
    await runCommand(page, 'MQ Explorer: Edit Cluster…');
    await answerQuickInput(page, kafka.securedBootstrap('sasl'));
    await answerQuickInput(page, added);
    await answerQuickInput(page, '');
    await pickQuickItem(page, 'SASL/OAUTHBEARER (OAuth client credentials)');
    await answerQuickInput(page, tokens.url);
    await answerQuickInput(page, CLIENT.id);
    await answerQuickInput(page, 'kafka profile');
    await answerQuickInput(page, 'logicalCluster=lkc-e2e1');
    const issued = tokens.issued;
    await answerQuickInput(page, '');
    await pickQuickItem(page, 'No TLS');
    // The connection test used the stored secret (a wrong one would get a 401, not a token).
    assert.match(await waitForNotification(page, `Saved "${added}"`), /\(connected\)/);
    assert.ok(tokens.issued > issued, 'no token was issued for the edited settings');
    assert.equal(tokens.forms[tokens.forms.length - 1]?.get('scope'), 'kafka profile');
  });
});
