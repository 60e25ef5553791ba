import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { repoRoot, waitUntil } from '../harness/util';

const READY_TIMEOUT_MS = 60_000;
const STEP_TIMEOUT_MS = 15_000;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Matches the whole label, so "Open Settings" does not pick "Open Settings (JSON)". */
function exactly(text: string): RegExp {
  return new RegExp(`^\\s*${escapeRegExp(text)}\\s*$`);
}

function quickInputBox(page: Page): Locator {
  // The widget also holds a "select all" checkbox input; the text box is the one in .quick-input-box.
  return page.locator('.quick-input-widget .quick-input-box input');
}

/** The visible row of the open quick pick whose label is exactly `label`. */
function quickRow(page: Page, label: string): Locator {
  return page
    .locator('.quick-input-widget .quick-input-list .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: exactly(label) }) })
    .first();
}

/**
 * Opens the workbench for `folder` on a code-server at `url` and waits until it is usable:
 * the workbench shell, the activity bar and the status bar are visible.
 */
export async function openWorkbench(page: Page, url: string, folder: string): Promise<void> {
  await page.goto(`${url.replace(/\/$/, '')}/?folder=${encodeURIComponent(folder)}`, {
    timeout: READY_TIMEOUT_MS,
  });
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: READY_TIMEOUT_MS });
  await page.locator('.monaco-workbench .part.activitybar').waitFor({ state: 'visible', timeout: READY_TIMEOUT_MS });
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout: READY_TIMEOUT_MS });
}

/**
 * Runs a command by its palette title: F1 (which opens the palette with '>' already typed),
 * filter by the title, wait for the row with exactly that label and accept it.
 * The palette lists the commands known when it opened, and extension commands only register once
 * the extension host has scanned them (after the workbench looks ready), so a missing row means:
 * close, reopen and filter again until the deadline.
 */
export async function runCommand(page: Page, title: string, timeoutMs = 30_000): Promise<void> {
  const input = quickInputBox(page);
  const row = quickRow(page, title);
  await waitUntil(
    async () => {
      if (await input.isVisible()) {
        await page.keyboard.press('Escape');
        await input.waitFor({ state: 'hidden', timeout: 2_000 });
      }
      await page.keyboard.press('F1');
      await input.waitFor({ state: 'visible', timeout: 2_000 });
      // fill() replaces the value, so keep the '>' that selects command mode.
      await input.fill(`>${title}`);
      await row.waitFor({ state: 'visible', timeout: 2_000 });
      return true;
    },
    { timeoutMs, intervalMs: 200, what: `command palette entry "${title}"` },
  );
  await row.click();
  // Done when the palette closed or the command reused the widget for its own input.
  await waitUntil(
    async () => !(await input.isVisible()) || (await input.inputValue()) !== `>${title}`,
    { timeoutMs: STEP_TIMEOUT_MS, intervalMs: 50, what: `command "${title}" to start` },
  );
}

/**
 * Answers the open quick input (input box or quick pick filter) with `text` and presses Enter.
 * Waits for the widget first, and afterwards for it to close or move on to another step.
 */
export async function answerQuickInput(page: Page, text: string): Promise<void> {
  const input = quickInputBox(page);
  await input.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
  await input.fill(text);
  await input.press('Enter');
  await waitUntil(
    async () => !(await input.isVisible()) || (await input.inputValue()) !== text,
    { timeoutMs: STEP_TIMEOUT_MS, intervalMs: 50, what: `quick input to accept "${text}"` },
  ).catch(() => {
    // A step may legitimately keep the same value (e.g. a validation message); callers assert.
  });
}

/**
 * Picks the item labelled exactly `label` in the open quick pick. Types the label into the
 * filter first because long lists are virtualised and only render the rows in view.
 */
export async function pickQuickItem(page: Page, label: string): Promise<void> {
  const input = quickInputBox(page);
  await input.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
  await input.fill(label);
  const row = quickRow(page, label);
  await row.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
  await row.click();
}

/**
 * Waits for a notification toast whose message contains `textOrRegex` and returns its text.
 * Also waits for the fade-in to finish so a screenshot taken next shows it fully.
 */
export async function waitForNotification(
  page: Page,
  textOrRegex: string | RegExp,
  timeoutMs = 30_000,
): Promise<string> {
  const toast = page
    .locator('.notifications-toasts .notification-toast-container')
    .filter({ has: page.locator('.notification-list-item-message', { hasText: textOrRegex }) })
    .first();
  await toast.waitFor({ state: 'visible', timeout: timeoutMs });
  await page
    .locator('.notifications-toasts .notification-fade-in-done')
    .first()
    .waitFor({ state: 'visible', timeout: 5_000 })
    .catch(() => undefined);
  return (await toast.locator('.notification-list-item-message').innerText()).trim();
}

/** Saves a full-page PNG to test-results/screenshots/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = path.join(repoRoot(), 'test-results', 'screenshots');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name.replace(/\.png$/, '')}.png`);
  await page.screenshot({ path: file });
  return file;
}
