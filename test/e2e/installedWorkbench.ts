import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium } from '../harness/browser';
import { installVsix, startCodeServer } from '../harness/codeServer';
import { makeTempDir, removeDir, repoRoot } from '../harness/util';
import { openWorkbench } from './workbench';

/** A workbench in Chromium on code-server with the built VSIX installed, and how to close it all. */
export interface InstalledWorkbench {
  page: Page;
  folder: string;
  close(): Promise<void>;
}

/**
 * Installs dist/mq-explorer.vsix into a fresh extensions folder, lets `prepare` fill a fresh
 * workspace folder, and opens that folder in the workbench.
 */
export async function openInstalledWorkbench(label: string, prepare: (folder: string) => Promise<void> | void): Promise<InstalledWorkbench> {
  const vsix = path.join(repoRoot(), 'dist', 'mq-explorer.vsix');
  assert.ok(fs.existsSync(vsix), `${vsix} is missing: run npm run package first`);
  const extensionsDir = makeTempDir(`${label}-extensions`);
  const folder = makeTempDir(`${label}-ws`);
  await installVsix(vsix, extensionsDir);
  await prepare(folder);
  const server = await startCodeServer({ folder, extensionsDir });
  const chromium = await launchChromium().catch(async (error: unknown) => {
    await server.stop();
    throw error;
  });
  const page = await chromium.browser.newPage({ viewport: { width: 1400, height: 860 } });
  await openWorkbench(page, server.url, folder);
  return {
    page,
    folder,
    async close() {
      await chromium.close();
      await server.stop();
      removeDir(folder);
      removeDir(extensionsDir);
    },
  };
}
