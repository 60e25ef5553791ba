/** Running a program and collecting its output, for the local brokers and the Compose stack. No vscode. */
import { execFile } from 'node:child_process';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program without a shell and collects its output; never rejects for a non-zero exit. */
export type ProcessRunner = (
  file: string,
  args: string[],
  timeoutMs: number,
  env?: Record<string, string>,
) => Promise<RunResult>;

export const runProcess: ProcessRunner = (file, args, timeoutMs, env) =>
  new Promise((resolve) => {
    const options = { timeout: timeoutMs, maxBuffer: 10 * 1024 * 1024, env: { ...process.env, ...env } };
    execFile(file, args, options, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 127) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) || (error && code === 127 ? error.message : '') });
    });
  });
