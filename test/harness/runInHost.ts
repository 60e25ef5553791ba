import * as util from 'node:util';
import type { ConsoleMessage, Page } from 'playwright-core';
import { launchChromium, type ChromiumHandle } from './browser';
import { startCodeServer, type CodeServerHandle } from './codeServer';

export interface RunInHostOptions {
  /** Absolute path of the extension under development (the folder with its package.json). */
  extensionPath: string;
  /** Absolute path of the compiled tests module whose `run()` the extension host calls. */
  testsIndexPath: string;
  /** Workspace folder the window opens. */
  folder: string;
  /** Environment for code-server; it reaches the extension host (results file, broker address). */
  env?: Record<string, string>;
  /** Overall deadline for the suite, default 10 minutes. */
  timeoutMs?: number;
  /** Where runner and extension host output goes; default stdout. */
  log?: (line: string) => void;
  /** Also print code-server's output and workbench chatter (noisy; for when the host never starts). */
  verboseServer?: boolean;
}

const DEFAULT_TIMEOUT_MS = 10 * 60_000;

/**
 * The workbench URL that makes code-server load `extensionPath` in development mode and run the
 * tests module, as test-electron does on a desktop. Paths must be vscode-remote URIs with the
 * literal authority `remote`; plain paths become file: URIs in the browser and nothing runs.
 */
export function inHostTestUrl(serverUrl: string, options: Pick<RunInHostOptions, 'extensionPath' | 'testsIndexPath' | 'folder'>): string {
  const payload: [string, string][] = [
    ['extensionDevelopmentPath', `vscode-remote://remote${options.extensionPath}`],
    ['extensionTestsPath', `vscode-remote://remote${options.testsIndexPath}`],
    ['skipWelcome', 'true'],
  ];
  return `${serverUrl}/?folder=${encodeURIComponent(options.folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

/** Workbench chatter that says nothing about the tests; dropped unless verbose. */
const NOISE: readonly RegExp[] = [
  /vsda/i,
  /ENOTFOUND/,
  /marketplace|gallery/i,
  /Failed to load resource/i,
  /\[Service Worker\]/,
  /connection token|Creating a socket|additional builtin extensions cache|ChatSessionStore/,
  /web worker extension host|allow-scripts and allow-same-origin|Overwriting extension/,
];

/**
 * Turns a workbench console message into a printable line. In code-server the extension host's
 * console output (mocha's spec reporter included) reaches the page as `%c INFO`-styled log calls
 * whose remaining arguments are the original format string and values, so they are re-formatted
 * here with util.format; msg.text() would show raw `%s` placeholders.
 */
async function formatConsole(msg: ConsoleMessage, verbose: boolean): Promise<string | undefined> {
  const values = await Promise.all(msg.args().map((arg) => arg.jsonValue().catch(() => '<unserialisable>')));
  let prefix = `[workbench:${msg.type()}]`;
  let rest: unknown[] = values.length > 0 ? values : [msg.text()];
  const head = rest[0];
  if (typeof head === 'string' && head.startsWith('%c')) {
    // "%c INFO" / "%c[Extension Host] %c..." plus one CSS argument per %c.
    const styles = head.match(/%c/g)?.length ?? 0;
    const label = head.replace(/%c/g, '').trim();
    prefix = /^INFO$/.test(label) ? '[host]' : `[${label || msg.type()}]`;
    rest = label === 'INFO' || label === '' ? rest.slice(1 + styles) : [head.replace(/%c/g, ''), ...rest.slice(1 + styles)];
  }
  const line = util.format(...rest);
  if (!verbose && (NOISE.some((re) => re.test(line)) || msg.type() === 'warning')) {
    return undefined;
  }
  return `${prefix} ${line}`;
}

/**
 * Runs a mocha suite inside code-server's real extension host and resolves with its exit code:
 * 0 when the tests module's `run()` resolved, 1 when it rejected, the deadline passed or the
 * window crashed. Always stops the browser and the server.
 */
export async function runInHostSuite(options: RunInHostOptions): Promise<number> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let server: CodeServerHandle | undefined;
  let chromium: ChromiumHandle | undefined;
  let timer: NodeJS.Timeout | undefined;
  const started = Date.now();
  let printing: Promise<void> = Promise.resolve();
  try {
    server = await startCodeServer({
      folder: options.folder,
      env: options.env,
      log: options.verboseServer ? (line) => log(`[code-server] ${line}`) : undefined,
    });
    log(`[runner] code-server ready on ${server.url} after ${Date.now() - started} ms`);
    chromium = await launchChromium();
    const page: Page = await chromium.browser.newPage();

    let settle: (code: number) => void = () => undefined;
    const exitCode = new Promise<number>((resolve) => {
      settle = resolve;
    });
    // Must exist before the workbench loads: it looks the function up when the tests finish.
    await page.exposeFunction('codeAutomationExit', (code: unknown) => {
      settle(typeof code === 'number' ? code : 1);
    });
    page.on('console', (msg) => {
      // Formatting is async; chaining keeps lines in the order the host printed them.
      printing = printing.then(async () => {
        const line = await formatConsole(msg, options.verboseServer === true).catch(() => `[workbench] ${msg.text()}`);
        if (line !== undefined) {
          log(line);
        }
      });
    });
    page.on('pageerror', (err) => log(`[workbench:pageerror] ${err.message}`));
    page.on('crash', () => {
      log('[runner] workbench page crashed');
      settle(1);
    });
    timer = setTimeout(() => {
      log(`[runner] timed out after ${timeoutMs} ms waiting for the tests to finish`);
      settle(1);
    }, timeoutMs);

    await page.goto(inHostTestUrl(server.url, options), { timeout: 60_000 });
    const code = await exitCode;
    await printing;
    log(`[runner] tests finished with exit code ${code} after ${Date.now() - started} ms`);
    return code;
  } catch (err) {
    log(`[runner] ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return 1;
  } finally {
    if (timer) {
      clearTimeout(timer);
    }
    await chromium?.close().catch((err: unknown) => log(`[runner] closing Chromium: ${String(err)}`));
    await server?.stop().catch((err: unknown) => log(`[runner] stopping code-server: ${String(err)}`));
  }
}
