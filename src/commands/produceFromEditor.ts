import * as vscode from 'vscode';
import { Capabilities } from '../core/brokerCapabilities';
import type { OutgoingMessage, ProduceOptions } from '../core/brokerClient';
import type { ClusterEntry } from '../connections/connectionService';
import { detectShape } from '../produce/shapes';
import type { ProduceShape } from '../produce/types';
import { type CommandContext, numberField, objectArg, stringField } from './context';
import { resolveCluster, resolveTopic } from './pickers';
import type { ProduceFeature } from './produce/produceFeature';
import { type ProduceOutcome, type ProduceRequest, runProduce } from './produce/runProduce';
import { readProduceSettings } from './produce/settings';

const SHAPES: readonly ProduceShape[] = ['text', 'json', 'jsonl'];

/**
 * Produce Message from Editor: the selection (or the whole file when nothing is selected) as
 * messages, by shape: plain text is one message, a JSON object one, a JSON array one per element,
 * JSONL one per line. Argument (all optional): `{ clusterId, topic, shape, line, wholeFile, times,
 * key, headers, partition, compression, acks, idempotent, validOnly, quiet }`.
 */
export async function produceFromEditor(ctx: CommandContext, arg?: unknown, feature = ctx.produce): Promise<ProduceOutcome> {
  if (!feature) {
    throw new Error('Producing is not ready yet; reload the window.');
  }
  const { cluster, topic, request } = await prepareProduce(ctx, arg, feature);
  return runProduce(ctx, feature, cluster, topic, request);
}

/** Resolves what, where and how to produce from the active editor and the argument (prompting for what is missing). */
export async function prepareProduce(
  ctx: CommandContext,
  arg: unknown,
  feature: ProduceFeature,
): Promise<{ cluster: ClusterEntry; topic: string; request: ProduceRequest }> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    throw new Error('Open the file whose content you want to send, then run "Produce Message from Editor" again.');
  }
  const given = objectArg(arg);
  const document = editor.document;
  const selection = given.wholeFile === true || typeof given.line === 'number' ? new vscode.Selection(0, 0, 0, 0) : editor.selection;
  const range = selection.isEmpty ? undefined : new vscode.Range(selection.start, selection.end);
  const text = document.getText(range);
  if (text.trim().length === 0) {
    throw new Error(
      selection.isEmpty
        ? `"${document.fileName.split(/[\\/]/).pop() ?? 'The file'}" is empty: there is nothing to send.`
        : 'The selection is empty: there is nothing to send.',
    );
  }
  const shapeArg = stringField(given, 'shape') as ProduceShape | undefined;
  const shape = shapeArg && SHAPES.includes(shapeArg) ? shapeArg : detectShape(document.languageId, document.fileName, text);

  const declared = feature.targets.targetFor(document);
  const hasTarget = stringField(given, 'topic') !== undefined;
  const clusterRef = stringField(given, 'clusterId') ?? (hasTarget ? undefined : declared?.cluster);
  const byName = clusterRef ? ctx.connections.listClusters().find((c) => c.id === clusterRef || c.name === clusterRef) : undefined;
  if (clusterRef && !byName) {
    throw new Error(`The cluster "${clusterRef}" named for this file is not configured. Add it or change the file's target.`);
  }
  const cluster = await resolveCluster(ctx, byName ? { clusterId: byName.id } : arg);
  // A read-only cluster refuses before the topic is asked for (runProduce checks again).
  ctx.connections.capabilityFor(cluster.id, Capabilities.produce, 'produce');
  const topic =
    stringField(given, 'topic') ??
    declared?.topic ??
    (await resolveTopic(ctx, cluster, arg, `Send ${selection.isEmpty ? 'this file' : 'the selection'} to which topic?`));

  const request: ProduceRequest = {
    document,
    range,
    shape,
    line: numberField(given, 'line'),
    times: Math.max(1, Math.floor(numberField(given, 'times') ?? 1)),
    defaults: messageDefaults(given),
    options: produceOptions(given, document.uri, ctx.connections.kindOf(cluster.id).produce.compressionNames),
    validOnly: given.validOnly === true,
    quiet: given.quiet === true,
  };
  return { cluster, topic, request };
}

export function messageDefaults(given: Record<string, unknown>): Pick<OutgoingMessage, 'key' | 'headers' | 'partition'> {
  const headers = given.headers;
  return {
    key: stringField(given, 'key'),
    headers:
      typeof headers === 'object' && headers !== null && !Array.isArray(headers)
        ? Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, String(v)]))
        : undefined,
    partition: numberField(given, 'partition'),
  };
}

export function produceOptions(given: Record<string, unknown>, uri: vscode.Uri, compressionNames: readonly string[]): ProduceOptions {
  const defaults = readProduceSettings(uri).options;
  const named = stringField(given, 'compression');
  if (named !== undefined && !compressionNames.includes(named)) {
    throw new Error(`Unknown compression "${named}": use ${compressionNames.join(', ')}.`);
  }
  const compression = named as ProduceOptions['compression'];
  const acks = numberField(given, 'acks');
  if (acks !== undefined && acks !== -1 && acks !== 0 && acks !== 1) {
    throw new Error('acks must be -1 (all replicas), 1 (leader) or 0 (none).');
  }
  return {
    compression: compression ?? defaults.compression,
    acks: acks ?? defaults.acks,
    idempotent: typeof given.idempotent === 'boolean' ? given.idempotent : defaults.idempotent,
  };
}
