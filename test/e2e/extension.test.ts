import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { kcatProduce } from '../harness/kcat';
import { type InstalledWorkbench, openInstalledWorkbench } from './installedWorkbench';
import { answerQuickInput, pickQuickItem, runCommand, screenshot, waitForNotification } from './workbench';

const UI_TIMEOUT_MS = 30_000;

/** Expands a tree item (selecting it, then the keyboard: a click alone may only select it). */
async function expand(item: Locator): Promise<void> {
  await item.click();
  if ((await item.getAttribute('aria-expanded')) !== 'true') {
    await item.press('ArrowRight');
  }
}

/** The tail panel's content: the webview iframe, then the frame VS Code loads our page into. */
function tailFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

/**
 * What a user does after installing the VSIX: add a cluster, create a topic, tail it and produce
 * the open file, all through the workbench UI in Chromium, against a real broker.
 */
describe('MQ Explorer installed from the VSIX (code-server + Chromium)', function () {
  this.timeout(180_000);

  const bootstrap = process.env.MQX_KAFKA_BOOTSTRAP ?? '';
  const clusterName = 'E2E Kafka';
  const topic = `e2e-orders-${randomUUID().slice(0, 8)}`;
  const order = JSON.stringify({ orderId: 1001, status: 'created', customer: 'Ada' }, null, 2);
  // Produced by its CodeLens to a topic that does not exist yet (the extension offers to create it).
  const eventsTopic = `e2e-events-${randomUUID().slice(0, 8)}`;
  const events = [
    `// @topic ${eventsTopic}  @cluster "${clusterName}"`,
    ...['OrderCreated', 'OrderPaid', 'OrderShipped'].map((type, i) => JSON.stringify({ key: `order-${i}`, value: { type, orderId: 1001 }, headers: { source: 'e2e' } })),
  ].join('\n');
  let workbench: InstalledWorkbench | undefined;
  let page: Page;

  before(async () => {
    assert.ok(bootstrap, 'MQX_KAFKA_BOOTSTRAP is not set: run the UI tests through npm test (it starts Kafka)');
    workbench = await openInstalledWorkbench('e2e', (folder) => {
      fs.writeFileSync(path.join(folder, 'order.json'), order);
      fs.writeFileSync(path.join(folder, 'events.jsonl'), `${events}\n`);
    });
    page = workbench.page;
  });

  after(async () => {
    await workbench?.close();
  });

  it('shows a topic created through the command palette in the Clusters tree', async () => {
    await runCommand(page, 'MQ Explorer: Add Cluster…');
    await answerQuickInput(page, bootstrap);
    await answerQuickInput(page, clusterName);
    await answerQuickInput(page, 'mq-explorer-e2e');
    await pickQuickItem(page, 'No authentication');
    await pickQuickItem(page, 'No TLS');
    // The connection is tested before the cluster is saved.
    assert.match(await waitForNotification(page, `Added "${clusterName}"`), /connected, 1 broker/);

    await page.locator('.activitybar a.action-label[aria-label^="MQ Explorer"]').click();
    const clusterItem = page.getByRole('treeitem', { name: new RegExp(`^${clusterName}`) });
    await clusterItem.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    await clusterItem.click();

    await runCommand(page, 'MQ Explorer: Create Topic…');
    await answerQuickInput(page, topic);
    await answerQuickInput(page, '3');
    await answerQuickInput(page, '1');
    await answerQuickInput(page, 'retention.ms=3600000');
    await waitForNotification(page, `Created topic "${topic}"`);

    await page.getByRole('treeitem', { name: /^Topics/ }).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    const topicItem = page.getByRole('treeitem', { name: new RegExp(`^${topic}`) });
    await topicItem.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    assert.match(await topicItem.innerText(), /3 partitions/);
    await screenshot(page, 'tree-topic-created');
  });

  it('shows a message produced from the open file in the tail panel', async () => {
    await runCommand(page, 'MQ Explorer: Tail Topic…');
    await pickQuickItem(page, topic);
    await pickQuickItem(page, 'New messages only');
    const frame = tailFrame(page);
    await frame.locator('.badge', { hasText: 'Live' }).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });

    await runCommand(page, 'Go to File...');
    await pickQuickItem(page, 'order.json');
    await page.locator('.tabs-container .tab', { hasText: 'order.json' }).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });

    await runCommand(page, 'MQ Explorer: Produce Message from Editor');
    await pickQuickItem(page, topic);
    const sent = await waitForNotification(page, /Sent to/);
    assert.match(sent, new RegExp(`Sent to "${topic}": partition \\d, offset 0\\.`));

    // Back to the panel: its webview was hidden behind the file and is rebuilt from what the host kept.
    await page.locator('.tabs-container .tab', { hasText: `Tail: ${topic}` }).click();
    const row = frame.locator('tbody tr').filter({ hasText: '"orderId": 1001' });
    await row.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    assert.equal(await frame.locator('tbody tr').count(), 1);
    await screenshot(page, 'tail-panel-message');
  });

  it('renders hostile message content as text, and nothing in it runs', async () => {
    const payloads = [
      '<img src=x onerror="window.__mqxPwned = 1">',
      '<script>window.__mqxPwned = 2</script>',
      '<b onmouseover="window.__mqxPwned = 3">bold?</b>',
    ];
    await kcatProduce(bootstrap, topic, payloads.map((value, i) => ({ key: `<i>key${i}</i>`, value })));
    const frame = tailFrame(page);
    for (const value of payloads) {
      await frame.locator('td.value', { hasText: value }).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    }
    await frame.locator('td.key', { hasText: '<i>key0</i>' }).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    await frame.locator('td.value', { hasText: 'bold?' }).hover();

    assert.equal(await frame.locator('tbody img, tbody script, tbody b, tbody i').count(), 0, 'markup was parsed');
    // A string expression: this tsconfig has no DOM lib, and the check runs inside the webview's frame.
    const pwned: unknown = await frame.locator('body').evaluate('window.__mqxPwned');
    assert.equal(pwned, undefined, 'a payload ran inside the webview');
    await screenshot(page, 'tail-panel-hostile-content');
  });

  it('expands a topic into partitions with offsets and its configuration, and the cluster into brokers', async () => {
    const topicItem = page.getByRole('treeitem', { name: new RegExp(`^${topic}`) });
    // Clicking the active container's icon would hide the side bar, so only open it when hidden.
    if (!(await topicItem.isVisible())) {
      await page.locator('.activitybar a.action-label[aria-label^="MQ Explorer"]').click();
    }
    await expand(topicItem);
    const partition = page.getByRole('treeitem', { name: /^partition 0/i });
    await partition.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS }).catch(async (error: unknown) => {
      await screenshot(page, 'tree-topic-details-failed');
      throw error;
    });
    // The accessible name carries the tooltip, which spells out leader, replicas and offsets.
    assert.match(await partition.innerText(), /leader 1 · replicas 1 · ISR 1 · offsets 0–\d+/);
    await expand(page.getByRole('treeitem', { name: /^Configuration/ }));
    // The override given at creation is listed first.
    await page.getByRole('treeitem', { name: /^retention\.ms = 3600000/i }).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    await page.getByRole('treeitem', { name: /^cleanup\.policy/i }).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    await expand(page.getByRole('treeitem', { name: /^Brokers/ }));
    await page.getByRole('treeitem', { name: /^broker 1/i }).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    await screenshot(page, 'tree-topic-details');
  });
  it('produces a JSONL file from its CodeLens, creating the missing topic, and Show in Tail shows what was sent', async () => {
    await runCommand(page, 'Go to File...');
    await pickQuickItem(page, 'events.jsonl');
    const produceAll = page.locator('.codelens-decoration a', { hasText: `Produce all → ${eventsTopic}` });
    await produceAll.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    await screenshot(page, 'produce-codelens');
    await produceAll.click();

    // The topic named in the file does not exist: a modal offers to create it.
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    assert.match(await dialog.innerText(), new RegExp(`Topic "${eventsTopic}" does not exist on ${clusterName}`));
    await dialog.getByRole('button', { name: 'Create Topic…' }).click();
    await answerQuickInput(page, '2');
    await answerQuickInput(page, '1');

    // One toast for both (creating the topic reports in the status bar): VS Code drops toasts
    // beyond three within 800 ms, and the summary with its Show in Tail button must not be one.
    const summary = await waitForNotification(page, new RegExp(`3 sent to "${eventsTopic}"`));
    assert.match(summary, new RegExp(`^Created topic "${eventsTopic}" with 2 partitions\\. 3 sent to "[^"]+"; p\\d 0\\.\\.\\d+`));
    await screenshot(page, 'produce-summary');
    const toast = page.locator('.notification-toast-container', { hasText: `3 sent to "${eventsTopic}"` });
    await toast.getByRole('button', { name: 'Show in Tail' }).click();

    await page.locator('.tabs-container .tab', { hasText: `Tail: ${eventsTopic}` }).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    const frame = tailFrame(page);
    for (const type of ['OrderCreated', 'OrderPaid', 'OrderShipped']) {
      await frame.locator('tbody tr', { hasText: type }).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    }
    assert.equal(await frame.locator('tbody tr').count(), 3);
    // Started at the produced offsets, and says so.
    assert.match(await frame.locator('.heading').innerText(), new RegExp(`^${eventsTopic} on ${clusterName} · from offsets p\\d 0, p\\d 0$`));
    await frame.locator('tbody tr td.key', { hasText: 'order-0' }).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    await screenshot(page, 'produce-show-in-tail');
  });
});
