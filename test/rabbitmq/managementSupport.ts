import * as assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { ManagementApiError, ManagementClient, type ManagementClientOptions } from '../../src/brokers/rabbitmq/management';
import type { RabbitNode } from '../harness/rabbitNode';

/** A short unique name for this test's objects. */
export function unique(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export function clientFor(node: RabbitNode, overrides: Partial<ManagementClientOptions> = {}): ManagementClient {
  return new ManagementClient({ url: node.managementUrl, user: 'guest', password: 'guest', timeoutMs: 10_000, ...overrides });
}

/** A management API call as guest (the node's own API, independent of the client under test) that must succeed. */
export async function apiOk(node: RabbitNode, method: string, path: string, body?: unknown): Promise<void> {
  const answer = await node.api(path, { method, body });
  assert.ok(answer.ok, `${method} ${path} answered ${answer.status}: ${await answer.text()}`);
}

/** Runs `items` through `work` with at most `limit` in flight. */
export async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++];
      await work(item);
    }
  });
  await Promise.all(workers);
}

export function run(file: string, args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(file, args, { timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
    child.stdin?.end(input ?? '');
  });
}

/** An amqp-consume process holding one connection, one channel and one consumer on `queue`. */
export function startConsumer(node: RabbitNode, queue: string, prefetch: number): ChildProcess {
  return spawn('amqp-consume', ['--url', node.amqpUrl, '-q', queue, '-p', String(prefetch), 'cat'], { stdio: 'ignore' });
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await exited;
  }
}

/** Awaits `work`, which must fail with a ManagementApiError; returns it. */
export async function failure(work: Promise<unknown>): Promise<ManagementApiError> {
  try {
    await work;
  } catch (error) {
    assert.ok(error instanceof ManagementApiError, `expected a ManagementApiError, got ${String(error)}`);
    return error;
  }
  assert.fail('the call succeeded but should have failed');
}
