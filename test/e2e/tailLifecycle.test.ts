import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import type { FrameLocator, Page } from 'playwright-core';
import { kcatProduce } from '../harness/kcat';
import { waitUntil } from '../harness/util';
import { type InstalledWorkbench, openInstalledWorkbench } from './installedWorkbench';
import { pickQuickItem, runCommand, screenshot } from './workbench';

const UI_TIMEOUT_MS = 30_000;
const MESSAGES = 200_000;
const TAIL_GROUP_PREFIX = 'mq-explorer-tail-';
const RESPONDER_GROUP_PREFIX = 'mq-explorer-responder-';

function tailFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

async function tailGroups(admin: Admin): Promise<string[]> {
  const { groups } = await admin.listGroups();
  return groups.map((g) => g.groupId).filter((id) => id.startsWith(TAIL_GROUP_PREFIX) || id.startsWith(RESPONDER_GROUP_PREFIX));
}

/**
 * A tail that follows the end at a high rate ends on the last message, and Reload Window leaves
 * no broadcast group on the broker (deactivation stops the tails in time).
 */
describe('tail panel lifecycle in the workbench (code-server + Chromium)', function () {
  this.timeout(240_000);
  const bootstrap = process.env.MQX_KAFKA_BOOTSTRAP ?? '';
  const topic = `e2e-follow-${randomUUID().slice(0, 8)}`;
  let workbench: InstalledWorkbench | undefined;
  let page: Page;
  let admin: Admin;
  let groupsBefore: string[] = [];

  before(async () => {
    assert.ok(bootstrap, 'MQX_KAFKA_BOOTSTRAP is not set: run the UI tests through npm test (it starts Kafka)');
    admin = new Kafka({ brokers: bootstrap.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    groupsBefore = await tailGroups(admin);
    workbench = await openInstalledWorkbench('e2e-follow', (folder) => {
      fs.mkdirSync(path.join(folder, '.vscode'));
      fs.writeFileSync(
        path.join(folder, '.vscode', 'settings.json'),
        JSON.stringify({ 'mqExplorer.clusters': [{ name: 'Follow E2E', bootstrapServers: bootstrap }], 'mqExplorer.tail.maxMessages': 300_000 }),
      );
    });
    page = workbench.page;
  });

  after(async () => {
    await workbench?.close();
    await admin?.disconnect();
  });

  it('follows the end while 200,000 messages arrive fast: the last row is the last message', async () => {
    await runCommand(page, 'MQ Explorer: Tail Topic…');
    await pickQuickItem(page, topic);
    await pickQuickItem(page, 'From the beginning');
    const frame = tailFrame(page);
    await frame.locator('.badge', { hasText: 'Live' }).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });

    await kcatProduce(bootstrap, topic, Array.from({ length: MESSAGES }, (_, i) => ({ value: `m-${i}`, partition: 0 })), { timeoutMs: 60_000 });
    await frame.locator('.counter', { hasText: `${MESSAGES.toLocaleString('en-US')} matched / ${MESSAGES.toLocaleString('en-US')} retained in the panel` }).waitFor({ state: 'visible', timeout: 90_000 });
    const last = String(MESSAGES - 1);
    let shown: (string | null)[] = [];
    await waitUntil(
      async () => {
        shown = await Promise.all((await frame.locator('tbody tr').all()).map((row) => row.getAttribute('data-offset')));
        return shown[shown.length - 1] === last;
      },
      { timeoutMs: 10_000, intervalMs: 200, what: `the last row to be offset ${last}` },
    ).catch(async (error: unknown) => {
      await screenshot(page, 'tail-follow-stopped-short');
      assert.fail(`the table ends at offset ${String(shown[shown.length - 1])}, not ${last} (${String(error)})`);
    });
    // The last row is in view, not below the fold.
    const rowBox = await frame.locator('tbody tr').last().boundingBox();
    const scrollerBox = await frame.locator('.scroller').boundingBox();
    const inView = rowBox !== null && scrollerBox !== null && rowBox.y + rowBox.height <= scrollerBox.y + scrollerBox.height + 1;
    assert.ok(inView, `the last row is not in view (row ${JSON.stringify(rowBox)}, table ${JSON.stringify(scrollerBox)})`);
    assert.equal(await frame.locator('.scroller').getAttribute('data-following'), 'true');
    await screenshot(page, 'tail-follow-end');
  });

  it('Reload Window removes the broadcast tail group and a responder\'s group from the broker', async () => {
    // A responder on the same topic, started from the palette (one cluster: no cluster pick).
    await runCommand(page, 'MQ Explorer: Start Responder…');
    await pickQuickItem(page, topic);
    await page.locator('.quick-input-widget .quick-input-box input').press('Enter');
    const ours = await waitUntil(
      async () => {
        const found = (await tailGroups(admin)).filter((id) => !groupsBefore.includes(id));
        return found.length === 2 && found;
      },
      { timeoutMs: 30_000, what: 'the tail group and the responder group on the broker' },
    );
    assert.deepEqual(ours.map((id) => id.startsWith(TAIL_GROUP_PREFIX)).sort(), [false, true]);
    await runCommand(page, 'Developer: Reload Window');
    await page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout: 60_000 });
    // Deactivation has about 5 s; after that the old extension host is gone, and its groups must be too.
    await waitUntil(async () => (await tailGroups(admin)).every((id) => !ours.includes(id)), {
      timeoutMs: 15_000,
      intervalMs: 250,
      what: `groups ${ours.join(', ')} to be removed after Reload Window`,
    }).catch(async (error: unknown) => {
      const { groups } = await admin.describeGroups(ours);
      const left = groups.map((g) => `${g.groupId}: ${g.state} with ${g.members.length} member(s)`).join(', ');
      throw new Error(`${String(error)}; ${left}`);
    });
  });
});
