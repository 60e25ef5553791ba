import { execFile, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { getFreePort } from './ports';
import { makeTempDir, removeDir, repoRoot, waitUntil } from './util';

/** A running code-server; `stop()` ends its whole process group and removes its temp dirs. */
export interface CodeServerHandle {
  url: string;
  port: number;
  userDataDir: string;
  stop(): Promise<void>;
}

export interface StartCodeServerOptions {
  /** Folder opened by default (also passed on the command line). */
  folder: string;
  /** Extensions dir to use (e.g. one a VSIX was installed into); a fresh empty one otherwise. */
  extensionsDir?: string;
  /** Extra environment; it reaches the extension host. */
  env?: Record<string, string>;
  /** Receives each line code-server prints. */
  log?: (line: string) => void;
  /** Keep user data here across runs (the sandbox); a fresh temp dir otherwise. */
  userDataDir?: string;
  /** User settings laid over the quiet defaults (and over what userDataDir already holds). */
  settings?: Record<string, unknown>;
  /** Port to listen on; a free one otherwise. */
  port?: number;
}

const START_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 5_000;

/** Settings that keep welcome pages, tips and update checks from covering the workbench. */
const QUIET_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'security.workspace.trust.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
};

/** Writes the quiet defaults, what the file already holds, then `extra`, later ones winning. */
function writeSettings(file: string, extra: Record<string, unknown> | undefined): void {
  let existing: Record<string, unknown> = {};
  try {
    existing = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    // missing or not plain JSON (comments): start from the defaults
  }
  fs.writeFileSync(file, JSON.stringify({ ...QUIET_SETTINGS, ...existing, ...extra }, null, 2));
}

/** Process groups still alive, killed synchronously if the test process exits without stop(). */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) {
    return;
  }
  exitHookInstalled = true;
  const killAll = (): void => {
    for (const pgid of liveGroups) {
      signalGroup(pgid, 'SIGKILL');
    }
  };
  process.on('exit', killAll);
  // 'exit' does not fire when a signal kills Node, and the server lives in its own process group,
  // so it would outlive an interrupted run. Re-raise afterwards to keep the default behaviour.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killAll();
      if (process.listenerCount(signal) === 0) {
        process.kill(process.pid, signal);
      }
    });
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is already gone
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Path of the code-server launcher installed by scripts/install-code-server.sh. */
export function codeServerBin(): string {
  const bin = process.env.MQX_CODE_SERVER_BIN ?? path.join(repoRoot(), 'test', 'code-server', 'node_modules', '.bin', 'code-server');
  if (!fs.existsSync(bin)) {
    throw new Error(`code-server not found at ${bin}; run: bash scripts/install-code-server.sh`);
  }
  return bin;
}

/**
 * XDG dirs in `root`, so code-server never reads or writes the user's config.yaml or caches
 * (it writes a default config with a random password there on every start otherwise).
 */
function isolatedEnv(root: string, extra?: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    XDG_CONFIG_HOME: path.join(root, 'config'),
    XDG_DATA_HOME: path.join(root, 'data'),
    XDG_CACHE_HOME: path.join(root, 'cache'),
    XDG_STATE_HOME: path.join(root, 'state'),
    ...extra,
  };
  // A parent code-server / VS Code would otherwise make the child act as its remote CLI.
  delete env.VSCODE_IPC_HOOK_CLI;
  delete env.VSCODE_CWD;
  return env;
}

/**
 * Installs a VSIX into `extensionsDir` with `code-server --install-extension`.
 * Rejects with code-server's output when the install does not report success.
 */
export async function installVsix(vsixPath: string, extensionsDir: string): Promise<void> {
  const absVsix = path.resolve(vsixPath);
  if (!fs.existsSync(absVsix)) {
    throw new Error(`VSIX not found: ${absVsix}`);
  }
  fs.mkdirSync(extensionsDir, { recursive: true });
  const tmp = makeTempDir('cs-install');
  try {
    const args = [
      '--user-data-dir', path.join(tmp, 'user-data'),
      '--extensions-dir', extensionsDir,
      '--install-extension', absVsix,
      '--force',
    ];
    const output = await new Promise<string>((resolve, reject) => {
      execFile(codeServerBin(), args, { env: isolatedEnv(tmp), timeout: 120_000 }, (err, stdout, stderr) => {
        const text = `${stdout}${stderr}`;
        if (err) {
          reject(new Error(`code-server --install-extension failed: ${err.message}\n${text}`));
        } else {
          resolve(text);
        }
      });
    });
    // code-server exits 0 even when some installs fail, so check what it says.
    if (!/successfully installed|already installed/i.test(output) || /failed installing/i.test(output)) {
      throw new Error(`installing ${absVsix} did not succeed:\n${output}`);
    }
  } finally {
    removeDir(tmp);
  }
}

/** Splits a stream into lines for the log callback. */
function forwardLines(stream: NodeJS.ReadableStream | null, sink: (line: string) => void): void {
  if (!stream) {
    return;
  }
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split(/\r?\n/);
    pending = lines.pop() ?? '';
    lines.forEach(sink);
  });
  stream.on('end', () => {
    if (pending) {
      sink(pending);
    }
  });
}

async function healthy(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
    return res.ok;
  } catch {
    return false;
  }
}

/**
 * Starts code-server on a free 127.0.0.1 port with fresh user-data, extensions and XDG dirs,
 * and resolves once GET /healthz answers. Retries on a new port if the chosen one was taken.
 */
export async function startCodeServer(options: StartCodeServerOptions): Promise<CodeServerHandle> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      return await startOnce(options);
    } catch (err) {
      lastError = err;
      // Only a lost race for the port is worth another try.
      if (!/EADDRINUSE/.test(String(err))) {
        throw err;
      }
    }
  }
  throw lastError;
}

async function startOnce(options: StartCodeServerOptions): Promise<CodeServerHandle> {
  installExitHook();
  const root = makeTempDir('code-server');
  const userDataDir = options.userDataDir ?? path.join(root, 'user-data');
  const extensionsDir = options.extensionsDir ?? path.join(root, 'extensions');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  writeSettings(path.join(userDataDir, 'User', 'settings.json'), options.settings);

  const port = options.port ?? (await getFreePort());
  const url = `http://127.0.0.1:${port}`;
  const args = [
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    options.folder,
  ];
  // Kept so a failed start can say why; the caller's log sees every line anyway.
  const recent: string[] = [];
  const sink = (line: string): void => {
    recent.push(line);
    if (recent.length > 40) {
      recent.shift();
    }
    options.log?.(line);
  };

  // detached: its own process group, so stop() also reaches the extension host and pty host.
  const child: ChildProcess = spawn(codeServerBin(), args, {
    cwd: options.folder,
    env: isolatedEnv(root, options.env),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) {
    removeDir(root);
    throw new Error('code-server did not start (no pid)');
  }
  liveGroups.add(pid);
  forwardLines(child.stdout, sink);
  forwardLines(child.stderr, sink);
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    });
  });

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) {
      return;
    }
    stopped = true;
    signalGroup(pid, 'SIGTERM');
    try {
      await waitUntil(() => exited !== undefined && !groupAlive(pid), {
        timeoutMs: STOP_GRACE_MS,
        intervalMs: 50,
        what: 'code-server to exit',
      });
    } catch {
      signalGroup(pid, 'SIGKILL');
      await Promise.race([exitPromise, new Promise<void>((r) => setTimeout(r, 2_000).unref())]);
    }
    liveGroups.delete(pid);
    removeDir(root);
  };

  try {
    await waitUntil(
      async () => {
        if (exited) {
          throw new Error(`code-server exited early (code ${exited.code}, signal ${exited.signal})`);
        }
        return healthy(url);
      },
      { timeoutMs: START_TIMEOUT_MS, intervalMs: 100, what: `code-server /healthz on ${url}` },
    );
  } catch (err) {
    await stop();
    throw new Error(`${String(err)}\n--- code-server output ---\n${recent.join('\n')}`);
  }
  return { url, port, userDataDir, stop };
}
