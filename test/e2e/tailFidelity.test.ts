import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import type { FrameLocator, Page } from 'playwright-core';
import { kcatProduce } from '../harness/kcat';
import { type InstalledWorkbench, openInstalledWorkbench } from './installedWorkbench';
import { pickQuickItem, runCommand, screenshot } from './workbench';

const UI_TIMEOUT_MS = 30_000;

function tailFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

/** Null vs empty keys and header values, and binary payloads, as the tail panel shows them in Chromium. */
describe('tail panel: null, empty and binary shown apart (code-server + Chromium)', function () {
  this.timeout(180_000);
  const bootstrap = process.env.MQX_KAFKA_BOOTSTRAP ?? '';
  const topic = `e2e-fidelity-${randomUUID().slice(0, 8)}`;
  let workbench: InstalledWorkbench | undefined;
  let page: Page;

  before(async () => {
    assert.ok(bootstrap, 'MQX_KAFKA_BOOTSTRAP is not set: run the UI tests through npm test (it starts Kafka)');
    workbench = await openInstalledWorkbench('e2e-fidelity', async (folder) => {
      fs.mkdirSync(path.join(folder, '.vscode'));
      fs.writeFileSync(path.join(folder, '.vscode', 'settings.json'), JSON.stringify({ 'mqExplorer.clusters': [{ name: 'Fidelity E2E', bootstrapServers: bootstrap }] }));
      const admin = new Kafka({ brokers: bootstrap.split(','), logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true }).finally(() => admin.disconnect());
      await kcatProduce(bootstrap, topic, [
        { value: 'no-key', headers: [['trace', null], ['h', '']] },
        { key: '', value: 'empty-key' },
        { key: 'bin', value: Buffer.from([0xde, 0xad, 0xbe, 0xef]) },
      ]);
    });
    page = workbench.page;
  });

  after(async () => {
    await workbench?.close();
  });

  it('marks a missing key, an empty key, a header without a value and binary values differently', async () => {
    await runCommand(page, 'MQ Explorer: Tail Topic…');
    await pickQuickItem(page, topic);
    await pickQuickItem(page, 'From the beginning');
    const frame = tailFrame(page);
    await frame.locator('.counter', { hasText: '3 matched / 3 retained in the panel' }).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS }).catch(async (error: unknown) => {
      await screenshot(page, 'tail-fidelity-failed');
      throw error;
    });
    const row = (value: string) => frame.locator('tbody tr', { has: frame.locator('td.value', { hasText: value }) });
    assert.equal(await row('no-key').locator('td.key').innerText(), '(null)');
    assert.match((await row('no-key').locator('td.key').getAttribute('class')) ?? '', /\bnull\b/);
    assert.equal(await row('empty-key').locator('td.key').innerText(), '""');
    assert.match((await row('empty-key').locator('td.key').getAttribute('class')) ?? '', /\bempty\b/);
    assert.equal(await row('no-key').locator('td.headers').innerText(), 'trace (null), h=');
    const binary = frame.locator('tbody tr td.value.binary');
    assert.equal(await binary.locator('.badge').innerText(), 'binary');
    assert.equal((await binary.innerText()).replace(/\s+/g, ' ').trim(), 'binary 3q2+7w==');
    await screenshot(page, 'tail-null-empty-binary');

    await row('no-key').locator('td.key').click();
    await frame.locator('.details pre', { hasText: 'trace: null (no value)' }).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    assert.match(await frame.locator('.details pre', { hasText: 'trace:' }).innerText(), /^trace: null \(no value\)\nh: ""$/);
    assert.match(await frame.locator('.details-title').innerText(), /\(CreateTime\)/);
    await frame.locator('.details button', { hasText: 'Copy key' }).click();
    await frame.locator('.jump-note', { hasText: 'This message has no key (null): nothing to copy.' }).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    await screenshot(page, 'tail-null-key-details');

    await frame.locator('select.filter-key').selectOption('empty key');
    await frame.locator('.counter', { hasText: '1 matched / 3 retained in the panel' }).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    await frame.locator('select.filter-key').selectOption('any key');
    await frame.locator('input.filter-header').fill('trace=(null)');
    await frame.locator('.counter', { hasText: '1 matched / 3 retained in the panel' }).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  });
});
