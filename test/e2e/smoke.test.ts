import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium, type ChromiumHandle } from '../harness/browser';
import { startCodeServer, type CodeServerHandle } from '../harness/codeServer';
import { makeTempDir, removeDir } from '../harness/util';
import { answerQuickInput, openWorkbench, pickQuickItem, runCommand, screenshot } from './workbench';

/** Proves the browser layer end to end: a real workbench in Chromium that runs built-in commands. */
describe('workbench smoke (code-server + Chromium)', function () {
  this.timeout(120_000);

  let folder: string;
  let server: CodeServerHandle | undefined;
  let chromium: ChromiumHandle | undefined;
  let page: Page;

  before(async () => {
    folder = makeTempDir('smoke-ws');
    fs.writeFileSync(path.join(folder, 'hello.txt'), 'hello from the smoke test\nsecond line\nthird line\n');
    server = await startCodeServer({ folder });
    chromium = await launchChromium();
    page = await chromium.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await openWorkbench(page, server.url, folder);
  });

  after(async () => {
    await chromium?.close();
    await server?.stop();
    removeDir(folder);
  });

  it('shows the opened folder in the Explorer', async () => {
    await runCommand(page, 'View: Show Explorer');
    await page.getByRole('treeitem', { name: 'hello.txt' }).waitFor({ state: 'visible', timeout: 30_000 });
  });

  it('opens a file through Go to File and jumps to a line', async () => {
    await runCommand(page, 'Go to File...');
    await pickQuickItem(page, 'hello.txt');
    await page.locator('.tabs-container .tab', { hasText: 'hello.txt' }).waitFor({ state: 'visible', timeout: 15_000 });
    await runCommand(page, 'Go to Line/Column...');
    await answerQuickInput(page, ':3');
    await page.locator('.statusbar', { hasText: 'Ln 3, Col 1' }).waitFor({ state: 'visible', timeout: 15_000 });
  });

  it('runs "Help: About" from the command palette', async () => {
    await runCommand(page, 'Help: About');
    // In the browser, About is a modal dialog listing the code-server and VS Code versions.
    const about = page.locator('.monaco-dialog-box').filter({ hasText: 'code-server' });
    await about.waitFor({ state: 'visible', timeout: 30_000 });
    const file = await screenshot(page, 'smoke-workbench');
    assert.ok(fs.statSync(file).size > 10_000, 'screenshot looks empty');
    assert.match(await about.innerText(), /Code: 1\.100\.\d+/);
    await about.getByRole('button', { name: 'OK' }).click();
    await about.waitFor({ state: 'hidden', timeout: 10_000 });
  });
});
