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

/** The tail panel's filter bar, counts and details pane in Chromium, on a cluster declared in settings. */
describe('tail panel filters in the workbench (code-server + Chromium)', function () {
  this.timeout(180_000);
  const bootstrap = process.env.MQX_KAFKA_BOOTSTRAP ?? '';
  const topic = `e2e-tail-${randomUUID().slice(0, 8)}`;
  let workbench: InstalledWorkbench | undefined;
  let page: Page;

  before(async () => {
    assert.ok(bootstrap, 'MQX_KAFKA_BOOTSTRAP is not set: run the UI tests through npm test (it starts Kafka)');
    workbench = await openInstalledWorkbench('e2e-tail', async (folder) => {
      fs.mkdirSync(path.join(folder, '.vscode'));
      fs.writeFileSync(path.join(folder, '.vscode', 'settings.json'), JSON.stringify({ 'mqExplorer.clusters': [{ name: 'Tail E2E', bootstrapServers: bootstrap }] }));
      const admin = new Kafka({ brokers: bootstrap.split(','), logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true }).finally(() => admin.disconnect());
      await kcatProduce(bootstrap, topic, [
        { key: 'o-1', value: JSON.stringify({ type: 'OrderCreated', total: 12 }) },
        { key: 'o-2', value: JSON.stringify({ type: 'OrderPaid', total: 120 }) },
        { key: 'o-3', value: JSON.stringify({ type: 'OrderCreated', total: 300 }) },
        { key: 'x-4', value: '<img src=x onerror="window.__mqxTailPwned = 1">' },
      ]);
    });
    page = workbench.page;
  });

  after(async () => {
    await workbench?.close();
  });

  it('filters by message type and a JSON path, counts matched / scanned, shows details as text', async () => {
    await runCommand(page, 'MQ Explorer: Tail Topic…');
    await pickQuickItem(page, topic);
    await pickQuickItem(page, 'From the beginning');
    const frame = tailFrame(page);
    await frame.locator('.counter', { hasText: '4 matched / 4 scanned' }).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS }).catch(async (error: unknown) => {
      await screenshot(page, 'tail-panel-filter-failed');
      throw error;
    });
    await frame.locator('.identity', { hasText: 'Broadcast' }).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });

    await frame.locator('input.filter-type').fill('OrderCreated');
    await frame.locator('input.filter-path').fill('total');
    await frame.locator('select.filter-op').selectOption('>');
    await frame.locator('input.filter-operand').fill('100');
    await frame.locator('.counter', { hasText: '1 matched / 4 scanned' }).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    assert.equal(await frame.locator('tbody tr').count(), 1);
    await frame.locator('tbody tr td.key', { hasText: 'o-3' }).click();
    await frame.locator('.details pre.value-pretty', { hasText: '"total": 300' }).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    await screenshot(page, 'tail-panel-filter-active');

    // Hostile content in the details pane and the table is text; nothing runs.
    for (const field of ['input.filter-type', 'input.filter-path', 'input.filter-operand']) {
      await frame.locator(field).fill('');
    }
    await frame.locator('input.filter-text').fill('onerror');
    await frame.locator('.counter', { hasText: '1 matched / 4 scanned' }).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    await frame.locator('tbody tr td.key', { hasText: 'x-4' }).click();
    await frame.locator('.details pre.value-pretty', { hasText: '<img src=x' }).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    assert.equal(await frame.locator('tbody img, .details img').count(), 0, 'markup was parsed');
    const pwned: unknown = await frame.locator('body').evaluate('window.__mqxTailPwned');
    assert.equal(pwned, undefined, 'a payload ran inside the webview');
  });
});
