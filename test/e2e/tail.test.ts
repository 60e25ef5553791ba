import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import type { FrameLocator, Page } from 'playwright-core';
import { waitUntil } from '../harness/util';
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
      const kafka = new Kafka({ brokers: bootstrap.split(','), logLevel: logLevel.NOTHING });
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true }).finally(() => admin.disconnect());
      // Ten messages ten seconds apart (offsets 0..9), so the histogram has bars to brush.
      const values = [
        ['o-1', JSON.stringify({ type: 'OrderCreated', total: 12 })],
        ['o-2', JSON.stringify({ type: 'OrderPaid', total: 120 })],
        ['o-3', JSON.stringify({ type: 'OrderCreated', total: 300 })],
        ['x-4', '<img src=x onerror="window.__mqxTailPwned = 1">'],
        ...Array.from({ length: 6 }, (_, i) => [`t-${i + 5}`, JSON.stringify({ type: 'Tick', n: i + 4, note: 'a longer value so the Value column has something to show' })]),
      ];
      const base = Math.floor(Date.now() / 60_000) * 60_000 - 30 * 60_000;
      const producer = kafka.producer();
      await producer.connect();
      await producer
        .send({ topic, messages: values.map(([key, value], i) => ({ partition: 0, key, value, timestamp: String(base + i * 10_000) })) })
        .finally(() => producer.disconnect());
    });
    page = workbench.page;
  });

  after(async () => {
    await workbench?.close();
  });

  it('filters by message type and a JSON path, counts matched / retained in the panel, shows details as text', async () => {
    await runCommand(page, 'MQ Explorer: Tail Topic…');
    await pickQuickItem(page, topic);
    await pickQuickItem(page, 'From the beginning');
    const frame = tailFrame(page);
    await frame.locator('.counter', { hasText: '10 matched / 10 retained in the panel' }).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS }).catch(async (error: unknown) => {
      await screenshot(page, 'tail-panel-filter-failed');
      throw error;
    });
    await frame.locator('.identity', { hasText: 'Broadcast' }).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });

    await frame.locator('input.filter-type').fill('OrderCreated');
    await frame.locator('input.filter-path').fill('total');
    await frame.locator('select.filter-op').selectOption('>');
    await frame.locator('input.filter-operand').fill('100');
    await frame.locator('.counter', { hasText: '1 matched / 10 retained in the panel' }).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    // The rows come in their own reply, after the counts: wait for the second row to go.
    await frame.locator('tbody tr').nth(1).waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
    assert.equal(await frame.locator('tbody tr').count(), 1);
    await frame.locator('tbody tr td.key', { hasText: 'o-3' }).click();
    await frame.locator('.details pre.value-pretty', { hasText: '"total": 300' }).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    await screenshot(page, 'tail-panel-filter-active');

    // Hostile content in the details pane and the table is text; nothing runs.
    for (const field of ['input.filter-type', 'input.filter-path', 'input.filter-operand']) {
      await frame.locator(field).fill('');
    }
    await frame.locator('input.filter-text').fill('onerror');
    await frame.locator('.counter', { hasText: '1 matched / 10 retained in the panel' }).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    await frame.locator('tbody tr td.key', { hasText: 'x-4' }).click();
    await frame.locator('.details pre.value-pretty', { hasText: '<img src=x' }).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    assert.equal(await frame.locator('tbody img, .details img').count(), 0, 'markup was parsed');
    const pwned: unknown = await frame.locator('body').evaluate('window.__mqxTailPwned');
    assert.equal(pwned, undefined, 'a payload ran inside the webview');
  });

  it('brushes the histogram with the mouse, jumps to an offset, opens a message in an editor', async () => {
    const frame = tailFrame(page);
    for (const field of ['input.filter-text', 'input.filter-type', 'input.filter-path', 'input.filter-operand']) {
      await frame.locator(field).fill('');
    }
    await frame.locator('.counter', { hasText: '10 matched / 10 retained in the panel' }).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    const chart = frame.locator('canvas.histogram-chart[data-total="10"]');
    await chart.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    assert.equal(await chart.getAttribute('data-bins'), '100');

    // Drag across the left half: bars 0..49 hold the first five messages (one every 11.1 bars).
    const box = await chart.boundingBox();
    assert.ok(box && box.width > 200, `the histogram is ${JSON.stringify(box)}`);
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + 2, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.3, y, { steps: 5 });
    await page.mouse.move(box.x + box.width * 0.5 - 2, y, { steps: 5 });
    await page.mouse.up();
    await frame.locator('.counter', { hasText: '5 matched / 10 retained in the panel' }).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    await frame.locator('.histogram-selection', { hasText: /^Selected \d\d:\d\d:00\.000 – \d\d:\d\d:45\.000$/ }).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    await frame.locator('.filter-description', { hasText: /^Filter: time / }).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    await frame.locator('canvas.histogram-chart[data-total="5"]').waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    await frame.locator('tbody tr').nth(5).waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
    const offsets = await Promise.all((await frame.locator('tbody tr').all()).map((row) => row.getAttribute('data-offset')));
    assert.deepEqual(offsets, ['0', '1', '2', '3', '4']);
    await screenshot(page, 'tail-panel-brush');

    // Jump to an offset outside the brushed range: the panel says so; inside it after clearing: selected.
    await frame.locator('input.jump-offset').fill('7');
    await frame.locator('input.jump-offset').press('Enter');
    await frame.locator('.jump-note', { hasText: 'Offset 7 of partition 0 is retained but hidden by the filter' }).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    await frame.locator('button.clear-selection').click();
    await frame.locator('.counter', { hasText: '10 matched / 10 retained in the panel' }).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    await frame.locator('button.jump-go').click();
    await frame.locator('tbody tr.selected[data-offset="7"]').waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    await frame.locator('.details pre.value-pretty', { hasText: '"n": 7' }).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    await frame.locator('.jump-note', { hasText: 'Offset 7 of partition 0: row 8 of the shown messages.' }).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    assert.equal(await frame.locator('tbody tr.selected').count(), 1);
    await frame.locator('input.jump-offset').fill('70');
    await frame.locator('input.jump-offset').press('Enter');
    await frame.locator('.jump-note', { hasText: 'Offset 70 of partition 0 is not among the retained messages (retained: 0–9).' }).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });

    // The details pane leaves the Value column usable.
    const valueWidth = (await frame.locator('table.messages th:nth-child(6)').boundingBox())?.width ?? 0;
    assert.ok(valueWidth >= 240, `the Value column is ${valueWidth}px wide with the details open`);
    await screenshot(page, 'tail-panel-jump-details');

    // A wide panel puts the details beside the table, still leaving Value room.
    await page.setViewportSize({ width: 1920, height: 1000 });
    await frame.locator('.main[data-placement="side"]').waitFor({ state: 'attached', timeout: UI_TIMEOUT_MS });
    const sideValueWidth = (await frame.locator('table.messages th:nth-child(6)').boundingBox())?.width ?? 0;
    assert.ok(sideValueWidth >= 240, `the Value column is ${sideValueWidth}px wide beside the details`);
    await screenshot(page, 'tail-panel-details-side');
    await page.setViewportSize({ width: 1400, height: 860 });
    await frame.locator('.main[data-placement="below"]').waitFor({ state: 'attached', timeout: UI_TIMEOUT_MS });

    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await frame.locator('.details button', { hasText: 'Copy key' }).click();
    // writeText in the webview is asynchronous: wait for the clipboard to hold the key.
    let copied: unknown;
    await waitUntil(
      async () => {
        copied = await page.evaluate('navigator.clipboard.readText()');
        return copied === 't-8';
      },
      { timeoutMs: 10_000, intervalMs: 100, what: 'the copied key on the clipboard' },
    ).catch(() => assert.equal(copied, 't-8'));

    await frame.locator('.details button', { hasText: 'Open in editor' }).click();
    await page.locator('.monaco-editor .view-lines', { hasText: '"type": "Tick"' }).first().waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    await page.locator('.tab.active', { hasText: /Untitled/ }).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    await screenshot(page, 'tail-panel-open-in-editor');

    // Clear drops the messages, and the brushed range with them (it would hide every new message).
    const narrow = await frame.locator('canvas.histogram-chart').boundingBox();
    assert.ok(narrow);
    await page.mouse.move(narrow.x + 2, narrow.y + narrow.height / 2);
    await page.mouse.down();
    await page.mouse.move(narrow.x + narrow.width * 0.5 - 2, narrow.y + narrow.height / 2, { steps: 5 });
    await page.mouse.up();
    await frame.locator('.counter', { hasText: '5 matched / 10 retained in the panel' }).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    await frame.locator('.toolbar button', { hasText: /^Clear$/ }).click();
    await frame.locator('.counter', { hasText: '0 matched / 0 retained in the panel' }).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    await frame.locator('button.clear-selection').waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS });
    assert.equal(await frame.locator('.filter-description').textContent(), '');
  });
});
