import * as fs from 'node:fs';
import { Capabilities } from '../../core/brokerCapabilities';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ClusterScopedNode } from '../../explorer/nodes';
import { detectShape } from '../../produce/shapes';
import type { ProduceShape } from '../../produce/types';
import { UserCancelled } from '../commandRegistry';
import { type CommandContext, numberField, objectArg, stringField } from '../context';
import { resolveCluster, resolveTopic } from '../pickers';
import { messageDefaults, produceOptions } from '../produceFromEditor';
import type { ProduceFeature } from './produceFeature';
import { type ProduceDocument, type ProduceOutcome, runProduce } from './runProduce';

const SHAPES: readonly ProduceShape[] = ['text', 'json', 'jsonl'];
/** What is read to tell the shape of a file and its `// @topic` directives. */
const HEAD_BYTES = 64 * 1024;
/** A JSON document or a text is one string in memory; past this size only JSONL (streamed) is sent. */
const MAX_WHOLE_FILE_BYTES = 64 * 1024 * 1024;

/**
 * Produce File…: a file from disk, never opened in an editor (VS Code will not display a very large
 * one), read as Produce Message from Editor reads a whole file. JSONL is streamed line by line (the
 * bulk path when it applies); JSON and text are read whole. Arguments: the explorer's (uri, uris), or
 * a topic node (then a file is picked), or `{ file, clusterId, topic, shape, key, headers, partition,
 * compression, acks, idempotent, validOnly, quiet }`, or (uri, that object). Without a file, asks for one.
 */
export async function produceFile(ctx: CommandContext, feature: ProduceFeature, arg?: unknown, extra?: unknown): Promise<ProduceOutcome> {
  const node = arg instanceof ClusterScopedNode ? arg : undefined;
  const given = arg instanceof vscode.Uri || node ? plainObject(extra) : plainObject(arg);
  const uri = arg instanceof vscode.Uri ? arg : (fileField(given) ?? (await pickFile()));
  if (uri.scheme !== 'file') {
    throw new Error(`"${uri.toString()}" is not a file on this machine's disk; only local files can be produced from disk.`);
  }
  const name = path.basename(uri.fsPath);
  const stat = await fs.promises.stat(uri.fsPath).catch((error: NodeJS.ErrnoException) => {
    throw new Error(`Cannot read "${name}": ${error.code === 'ENOENT' ? 'it does not exist (any more)' : error.message}.`);
  });
  if (!stat.isFile()) {
    throw new Error(`"${name}" is a folder: choose a file.`);
  }
  const head = await readHead(uri.fsPath);
  if (head.trim().length === 0) {
    throw new Error(`"${name}" is empty: there is nothing to send.`);
  }
  const shapeArg = stringField(given, 'shape') as ProduceShape | undefined;
  const shape = shapeArg && SHAPES.includes(shapeArg) ? shapeArg : detectShapeOnDisk(uri.fsPath, head, stat.size);
  if (shape !== 'jsonl' && stat.size > MAX_WHOLE_FILE_BYTES) {
    throw new Error(
      `"${name}" (${Math.round(stat.size / 1048576)} MB) is too large to send as one ${shape === 'json' ? 'JSON document' : 'text'}: ` +
        'save it as JSONL (one message per line), which is streamed from disk.',
    );
  }

  const declared = feature.targets.targetForHead(uri, head.split(/\r?\n/).slice(0, 10));
  const hasTarget = stringField(given, 'topic') !== undefined;
  const clusterRef = stringField(given, 'clusterId') ?? (hasTarget || node ? undefined : declared?.cluster);
  const byName = clusterRef ? ctx.connections.listClusters().find((c) => c.id === clusterRef || c.name === clusterRef) : undefined;
  if (clusterRef && !byName) {
    throw new Error(`The cluster "${clusterRef}" named for this file is not configured. Add it or change the file's target.`);
  }
  const cluster = await resolveCluster(ctx, node ?? (byName ? { clusterId: byName.id } : given));
  // A read-only cluster refuses before the topic is asked for (runProduce checks again).
  ctx.connections.capabilityFor(cluster.id, Capabilities.produce, 'produce');
  const question = `Send ${name} to which topic?`;
  const topic = node
    ? await resolveTopic(ctx, cluster, node, question)
    : (stringField(given, 'topic') ?? declared?.topic ?? (await resolveTopic(ctx, cluster, given, question)));

  return runProduce(ctx, feature, cluster, topic, {
    document: await diskDocument(uri, shape),
    fromDisk: true,
    shape,
    times: Math.max(1, Math.floor(numberField(given, 'times') ?? 1)),
    defaults: messageDefaults(given),
    options: produceOptions(given, uri, ctx.connections.kindOf(cluster.id).produce.compressionNames),
    validOnly: given.validOnly === true,
    quiet: given.quiet === true,
  });
}

function plainObject(value: unknown): Record<string, unknown> {
  return Array.isArray(value) ? {} : objectArg(value);
}

function fileField(given: Record<string, unknown>): vscode.Uri | undefined {
  const file = given.file;
  if (file instanceof vscode.Uri) {
    return file;
  }
  return typeof file === 'string' ? vscode.Uri.file(file) : undefined;
}

async function pickFile(): Promise<vscode.Uri> {
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false,
    canSelectFolders: false,
    openLabel: 'Produce',
    title: 'Produce File: choose the file whose messages to send',
    filters: { 'Messages (JSONL, JSON, text)': ['jsonl', 'ndjson', 'json', 'txt'], 'All files': ['*'] },
  });
  if (!picked || picked.length === 0) {
    throw new UserCancelled();
  }
  return picked[0];
}

async function readHead(file: string): Promise<string> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    return buffer.toString('utf8', 0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** The shape as the editor command would detect it: from the whole text when it is small, else from its head. */
function detectShapeOnDisk(file: string, head: string, size: number): ProduceShape {
  const text = size <= HEAD_BYTES ? head : size <= MAX_WHOLE_FILE_BYTES ? fs.readFileSync(file, 'utf8') : head;
  return detectShape('', file, text);
}

/** Counts lines by reading the file in chunks (a 16 MB file in a few milliseconds). */
async function countLines(file: string): Promise<number> {
  let lines = 0;
  let last = 0x0a;
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    for (let at = chunk.indexOf(0x0a); at >= 0; at = chunk.indexOf(0x0a, at + 1)) {
      lines++;
    }
    last = chunk[chunk.length - 1] ?? last;
  }
  return last === 0x0a ? lines : lines + 1;
}

/**
 * The file as runProduce reads a document: JSONL is streamed from disk (getText is never called for
 * it), JSON and text are read once, when needed.
 */
async function diskDocument(uri: vscode.Uri, shape: ProduceShape): Promise<ProduceDocument> {
  let text: string | undefined;
  const whole = (): string => (text ??= fs.readFileSync(uri.fsPath, 'utf8'));
  const lineCount = shape === 'jsonl' ? await countLines(uri.fsPath) : whole().split('\n').length;
  return {
    uri,
    fileName: uri.fsPath,
    isDirty: false,
    lineCount,
    getText: (range?: vscode.Range) => {
      if (range) {
        throw new Error('Produce File sends whole files only.');
      }
      return whole();
    },
  };
}
