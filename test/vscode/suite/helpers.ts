import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import * as vscode from 'vscode';
import type { ClusterEntry } from '../../../src/connections/connectionService';
import type { MqExplorerApi } from '../../../src/extension';
import type { ReportedError } from '../../../src/commands/commandRegistry';

export const EXTENSION_ID = 'mq-explorer.mq-explorer';

/** The broker the runner started (test/harness/withKafka.ts); the suite cannot run without one. */
export function bootstrapServers(): string {
  const servers = process.env.MQX_KAFKA_BOOTSTRAP;
  assert.ok(servers, 'MQX_KAFKA_BOOTSTRAP is not set: run this suite through npm test (it starts Kafka)');
  return servers;
}

export async function activateApi(): Promise<MqExplorerApi> {
  const ext = vscode.extensions.getExtension<MqExplorerApi>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not installed in this host`);
  return ext.activate();
}

export function uniqueName(label: string): string {
  return `vsc-${label}-${randomUUID().slice(0, 8)}`;
}

/** Resolves with the next error a command shows to the user. */
export function nextReportedError(api: MqExplorerApi, timeoutMs = 20_000): Promise<ReportedError> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`no error was reported within ${timeoutMs} ms`));
    }, timeoutMs);
    const subscription = api.onDidReportError((error) => {
      clearTimeout(timer);
      subscription.dispose();
      resolve(error);
    });
  });
}

/** Adds the runner's broker as a cluster through the real Add Cluster command. */
export async function addBrokerCluster(label: string): Promise<ClusterEntry> {
  const cluster = await vscode.commands.executeCommand<ClusterEntry | undefined>('mqExplorer.addCluster', {
    name: uniqueName(label),
    bootstrapServers: bootstrapServers(),
  });
  assert.ok(cluster, 'Add Cluster returned nothing');
  return cluster;
}

/** An independent kafkajs admin on the runner's broker, to check what the commands did. */
export async function connectedAdmin(): Promise<Admin> {
  const admin = new Kafka({ brokers: bootstrapServers().split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  return admin;
}
