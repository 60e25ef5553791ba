import * as path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { makeTempDir, removeDir } from './util';

/** A launched Chromium; `close()` ends it and removes its temp dirs. */
export interface ChromiumHandle {
  browser: Browser;
  close(): Promise<void>;
}

/** Flags that keep Debian's Chromium from phoning home or needing a GPU/sandbox in CI. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/**
 * Launches Debian's headless Chromium through playwright-core (never a downloaded browser).
 * Playwright gives every `launch()` a fresh temp profile (user-data-dir) and deletes it on close;
 * XDG_CONFIG_HOME / XDG_CACHE_HOME / HOME point into our own temp dir so nothing lands in the
 * real home folder (Chromium writes ~/.pki and caches there otherwise).
 */
export async function launchChromium(): Promise<ChromiumHandle> {
  const executablePath = process.env.MQX_CHROMIUM ?? '/usr/bin/chromium';
  const root = makeTempDir('chromium');
  let browser: Browser;
  try {
    browser = await chromium.launch({
      executablePath,
      headless: true,
      args: [...CHROMIUM_ARGS],
      env: {
        ...stringEnv(process.env),
        HOME: root,
        XDG_CONFIG_HOME: path.join(root, 'config'),
        XDG_CACHE_HOME: path.join(root, 'cache'),
      },
      timeout: 60_000,
    });
  } catch (err) {
    removeDir(root);
    throw err;
  }
  let closed = false;
  return {
    browser,
    async close(): Promise<void> {
      if (closed) {
        return;
      }
      closed = true;
      try {
        await browser.close();
      } finally {
        removeDir(root);
      }
    },
  };
}

/** Playwright's env option wants string values only; process.env may hold undefined. */
function stringEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined) {
      out[key] = value;
    }
  }
  return out;
}
