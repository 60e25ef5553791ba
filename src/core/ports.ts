import * as net from 'node:net';
import { type ProcessRunner, runProcess } from './process';

/** Whether something already listens on the port (on any address), by trying to bind it ourselves. */
export async function isPortInUse(port: number): Promise<boolean> {
  for (const host of ['0.0.0.0', '127.0.0.1']) {
    const inUse = await new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'EADDRINUSE' || err.code === 'EACCES'));
      server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(false)));
    });
    if (inUse) {
      return true;
    }
  }
  return false;
}

/** The listening process from `ss -ltnp` output for a port, e.g. `java (pid 1234)`. */
export function parseSsListener(output: string, port: number): string | undefined {
  for (const line of output.split('\n')) {
    const columns = line.trim().split(/\s+/);
    const local = columns[3] ?? '';
    if (!local.endsWith(`:${port}`)) {
      continue;
    }
    const users = /users:\(\("([^"]+)",pid=(\d+)/.exec(line);
    if (users) {
      return `${users[1]} (pid ${users[2]})`;
    }
  }
  return undefined;
}

/** The listening process from `lsof -nP -iTCP:<port> -sTCP:LISTEN` output. */
export function parseLsofListener(output: string): string | undefined {
  const line = output.split('\n').find((l) => /\(LISTEN\)/.test(l));
  const columns = line?.trim().split(/\s+/);
  return columns && columns.length > 1 ? `${columns[0]} (pid ${columns[1]})` : undefined;
}

/** Names the process holding a port when the OS tells us (`ss`, then `lsof`); undefined if it won't. */
export async function describePortHolder(port: number, run: ProcessRunner = runProcess): Promise<string | undefined> {
  const ss = await run('ss', ['-ltnpH', `sport = :${port}`], 5_000);
  const fromSs = ss.code === 0 ? parseSsListener(ss.stdout, port) : undefined;
  if (fromSs) {
    return fromSs;
  }
  const lsof = await run('lsof', ['-nP', `-iTCP:${port}`, '-sTCP:LISTEN'], 5_000);
  return lsof.code === 0 ? parseLsofListener(lsof.stdout) : undefined;
}

/** The sentence for a taken port: who holds it when known, and what to do. */
export async function portInUseMessage(port: number, run: ProcessRunner = runProcess): Promise<string> {
  const holder = await describePortHolder(port, run);
  return (
    `Port ${port} is already in use${holder ? ` by ${holder}` : ''}. Stop that program or choose another port ` +
    `in the setting mqExplorer.localKafka.port (for example ${port === 9092 ? 19092 : port + 1}).`
  );
}
