import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { type BulkProducing, Capabilities } from '../../core/brokerCapabilities';
import type { ProduceOptions, ProduceResult } from '../../core/brokerClient';
import type { ClusterEntry } from '../../connections/connectionService';
import { produceJsonlFile } from '../../produce/bulkPipeline';
import { checkJsonlFile } from '../../produce/bulkSource';
import { type ContractValidator, compileContract, findContract } from '../../produce/contracts';
import { type PipelineOptions, type ProduceSummary, describeSummary, isPerMessageSendError, producePipeline } from '../../produce/pipeline';
import { type ShapeOptions, isIssue, parseText } from '../../produce/shapes';
import { fileLines, jsonlItems, textLines } from '../../produce/source';
import { TemplateContext } from '../../produce/templates';
import type { ProduceShape, SourceIssue, SourceMessage } from '../../produce/types';
import { UserCancelled } from '../commandRegistry';
import type { CommandContext } from '../context';
import type { ProduceFeature } from './produceFeature';
import { readProduceSettings } from './settings';

/** What runProduce reads of a document: an open editor's, or a file on disk that is not opened (Produce File…). */
export type ProduceDocument = Pick<vscode.TextDocument, 'uri' | 'fileName' | 'isDirty' | 'lineCount' | 'getText'>;

/** What to produce: the document (or a part of it) and how to read it. */
export interface ProduceRequest {
  document: ProduceDocument;
  /** Stream a JSONL document from its file on disk whatever its length (Produce File…). */
  fromDisk?: boolean;
  /** The text to read when it is not the whole document (a selection), with where it starts. */
  range?: vscode.Range;
  shape: ProduceShape;
  /** Only the message that starts on this 0-based line (CodeLens "Produce"). */
  line?: number;
  /** Only the messages that start on these 0-based lines ("Send the failed lines again"). */
  lines?: readonly number[];
  /** Only the messages from this 0-based line on ("Continue from line N"). */
  fromLine?: number;
  times: number;
  defaults: ShapeOptions['defaults'];
  options: ProduceOptions;
  /** Send the valid messages when some are invalid, without asking. */
  validOnly: boolean;
  quiet: boolean;
}

/** What the command returns: the summary, plus the first message's place (the old single-message result). */
/** The run's summary, where its first message went, and which path sent it (`bulk` for large saved JSONL files). */
export type ProduceOutcome = ProduceSummary & Partial<ProduceResult> & { topic: string; path: 'bulk' | 'messages' };

type Item = SourceMessage | SourceIssue;

// Above this many lines a saved JSONL file is streamed from disk instead of from the editor's text.
const STREAM_FROM_DISK_LINES = 20_000;

/** A fresh pass over the request's messages each call (validation reads once, sending again). */
function itemSource(request: ProduceRequest, shapeOptions: () => ShapeOptions): () => AsyncIterable<Item> {
  const { document, range } = request;
  const only = (items: AsyncIterable<Item>): AsyncIterable<Item> => {
    const picked = request.lines && new Set(request.lines);
    const from = request.fromLine;
    const some = picked || from !== undefined ? filterItems(items, (line) => (!picked || picked.has(line)) && (from === undefined || line >= from)) : items;
    return request.line === undefined ? some : filterLine(some, request.line);
  };
  return () => {
    const options = shapeOptions();
    const once = (): AsyncIterable<Item> => {
      if (request.shape === 'jsonl') {
        const fromDisk =
          !range && document.uri.scheme === 'file' && !document.isDirty && (request.fromDisk === true || document.lineCount > STREAM_FROM_DISK_LINES);
        const lines = fromDisk ? fileLines(document.uri.fsPath) : textLines(document.getText(range), range?.start.line ?? 0);
        return only(jsonlItems(lines, options));
      }
      const origin = range ? { line: range.start.line, column: range.start.character } : undefined;
      return only(toAsync(parseText(document.getText(range), request.shape, options, origin)));
    };
    return repeatTimes(once, request.times);
  };
}

/**
 * The file to send by the bulk path (bulkPipeline.ts: the file's bytes straight into record
 * batches), when nothing needs the line-by-line path: a saved JSONL file streamed from disk, sent
 * whole and once, no contract to check each value against, no idempotent producer, a client that
 * offers it. Lines needing the ordinary parser (envelopes, templates…) are still parsed one by one.
 */
function bulkFile(request: ProduceRequest, validate: ContractValidator | undefined, bulk: BulkProducing | undefined): string | undefined {
  const { document } = request;
  const eligible =
    request.shape === 'jsonl' &&
    !request.range &&
    request.line === undefined &&
    request.lines === undefined &&
    request.fromLine === undefined &&
    request.times === 1 &&
    document.uri.scheme === 'file' &&
    !document.isDirty &&
    (request.fromDisk === true || document.lineCount > STREAM_FROM_DISK_LINES) &&
    !validate &&
    !request.options.idempotent &&
    bulk !== undefined;
  return eligible ? document.uri.fsPath : undefined;
}

async function* toAsync(items: Iterable<Item>): AsyncGenerator<Item> {
  for (const item of items) {
    yield await Promise.resolve(item);
  }
}

async function* filterItems(items: AsyncIterable<Item>, keep: (line: number) => boolean): AsyncGenerator<Item> {
  for await (const item of items) {
    if (keep(item.line)) {
      yield item;
    }
  }
}

async function* filterLine(items: AsyncIterable<Item>, line: number): AsyncGenerator<Item> {
  for await (const item of items) {
    if (item.line === line) {
      yield item;
      return;
    }
  }
}

async function* repeatTimes(once: () => AsyncIterable<Item>, times: number): AsyncGenerator<Item> {
  for (let i = 0; i < times; i++) {
    yield* once();
  }
}

/** The contract for the topic, if a rule matches: the schema file read and compiled. */
function loadContract(document: ProduceDocument, topic: string): ContractValidator | undefined {
  const rule = findContract(readProduceSettings(document.uri).contracts, topic);
  if (!rule) {
    return undefined;
  }
  const folder = vscode.workspace.getWorkspaceFolder(document.uri) ?? vscode.workspace.workspaceFolders?.[0];
  const file = path.isAbsolute(rule.schema) || !folder ? rule.schema : path.join(folder.uri.fsPath, rule.schema);
  let schema: unknown;
  try {
    schema = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`The contract for "${topic}" names ${rule.schema}, which cannot be read as JSON: ${(error as Error).message}`);
  }
  return compileContract(schema, path.basename(rule.schema));
}

function contractIssue(item: SourceMessage, validate: ContractValidator): string | undefined {
  if (item.message.value === null) {
    return undefined; // a tombstone has no value to check: it deletes its key
  }
  let value = item.parsedValue;
  if (value === undefined) {
    try {
      value = JSON.parse(item.message.value);
    } catch {
      return 'Breaks the contract: the value is not JSON';
    }
  }
  return validate(value);
}

/** Reads every message once, collecting syntax, envelope and contract problems (at most 1000). */
async function findProblems(items: AsyncIterable<Item>, validate: ContractValidator | undefined, token: vscode.CancellationToken) {
  const problems: SourceIssue[] = [];
  let total = 0;
  for await (const item of items) {
    if (token.isCancellationRequested) {
      throw new UserCancelled();
    }
    if (isIssue(item)) {
      problems.push(item);
    } else {
      total++;
      const broken = validate ? contractIssue(item, validate) : undefined;
      if (broken) {
        problems.push({ line: item.line, column: item.column, message: broken, kind: 'contract' });
      }
    }
    if (problems.length >= 1000) {
      break;
    }
  }
  return { problems, total };
}

/**
 * The topic's partition count, and whether it was created just now: a missing topic is offered for
 * creation (or, when quiet, the error says how).
 */
async function partitionCountOf(ctx: CommandContext, cluster: ClusterEntry, topic: string, quiet: boolean): Promise<{ partitions: number; created: boolean }> {
  const topics = await ctx.connections.getClient(cluster.id).listTopics();
  const found = topics.find((t) => t.name === topic);
  if (found) {
    return { partitions: found.partitionCount, created: false };
  }
  const question = `Topic "${topic}" does not exist on ${cluster.name}.`;
  if (quiet) {
    throw new Error(`${question} Create it first (MQ Explorer: Create Topic).`);
  }
  const choice = await vscode.window.showWarningMessage(question, { modal: true }, 'Create Topic…');
  if (choice !== 'Create Topic…') {
    throw new UserCancelled();
  }
  // Quiet: the produce summary reports the creation, so it is not crowded out of the toasts.
  const created = await vscode.commands.executeCommand<{ partitions: number } | undefined>('mqExplorer.createTopic', {
    clusterId: cluster.id,
    name: topic,
    quiet: true,
  });
  if (!created) {
    throw new UserCancelled();
  }
  return { partitions: created.partitions, created: true };
}

/**
 * Runs one produce: checks the topic, validates (syntax, envelope, contract) and shows problems at
 * their lines, then sends in batches with progress and cancellation, and reports exact counts.
 */
export async function runProduce(
  ctx: CommandContext,
  feature: ProduceFeature,
  cluster: ClusterEntry,
  topic: string,
  request: ProduceRequest,
): Promise<ProduceOutcome> {
  const settings = readProduceSettings(request.document.uri);
  const templates = settings.templates ? new TemplateContext() : undefined;
  const shapeOptions = (): ShapeOptions => ({ envelope: settings.envelope, templates, defaults: request.defaults });
  const items = itemSource(request, shapeOptions);
  // Refused here, before a missing topic is offered for creation, when the cluster is read-only.
  const producer = ctx.connections.capabilityFor(cluster.id, Capabilities.produce, 'produce');
  const { partitions, created } = await partitionCountOf(ctx, cluster, topic, request.quiet);
  const validate = loadContract(request.document, topic);
  const bulk = ctx.connections.getClient(cluster.id).capability(Capabilities.bulkProduce);
  const file = bulkFile(request, validate, bulk);
  // Lines refused by validation: sending them again would only fail again.
  const invalidLines = new Set<number>();

  const summary = await vscode.window.withProgress(
    {
      location: request.quiet ? vscode.ProgressLocation.Window : vscode.ProgressLocation.Notification,
      title: `Producing to "${topic}" on ${cluster.name}`,
      cancellable: true,
    },
    async (progress, token) => {
      // Validation reads everything once without templates, so it never consumes `{{seq}}` numbers.
      const check = itemSource(request, () => ({ ...shapeOptions(), templates: undefined }));
      const checked = file
        ? await checkJsonlFile(file, { ...shapeOptions(), templates: undefined }, () => token.isCancellationRequested)
        : await findProblems(check(), validate, token);
      if (!checked) {
        throw new UserCancelled();
      }
      const { problems, total } = checked;
      problems.forEach((p) => invalidLines.add(p.line));
      feature.showIssues(request.document.uri, problems);
      if (problems.length > 0) {
        const first = problems[0];
        const where = `line ${first.line + 1}, column ${first.column + 1}: ${first.message}`;
        const valid = Math.max(0, total - problems.filter((p) => p.kind === 'contract').length);
        if (valid === 0 || (!request.validOnly && request.quiet)) {
          throw new Error(`${problems.length} problem${problems.length === 1 ? '' : 's'} found, nothing was sent. First at ${where}`);
        }
        if (!request.validOnly) {
          const choice = await vscode.window.showWarningMessage(
            `${problems.length} message${problems.length === 1 ? ' is' : 's are'} invalid (first at ${where}). Nothing was sent.`,
            { modal: true },
            'Send Valid Only',
          );
          if (choice !== 'Send Valid Only') {
            throw new UserCancelled();
          }
        }
      }
      let reported = 0;
      const expected = total; // every repetition included
      const options: PipelineOptions = {
        batchSize: settings.batchSize,
        maxInFlight: request.options.idempotent ? 1 : settings.maxInFlight,
        partitionCount: partitions,
        partitionForKey: ctx.connections.kindOf(cluster.id).produce.partitionerFor(partitions),
        isCancelled: () => token.isCancellationRequested,
        reject: validate ? (item) => contractIssue(item, validate) : undefined,
        isPerMessageError: isPerMessageSendError,
        onProgress: ({ sent, failed, unknown }) => {
          const done = sent + failed + unknown;
          const increment = expected > 0 ? ((done - reported) / expected) * 100 : undefined;
          reported = done;
          progress.report({ message: `${sent} sent${failed > 0 ? `, ${failed} failed` : ''}${unknown > 0 ? `, ${unknown} unknown` : ''}`, increment });
        },
      };
      if (file && bulk) {
        const sender = await bulk.openBulkSender(topic, request.options);
        try {
          return await produceJsonlFile(file, topic, sender, { ...options, shape: shapeOptions() });
        } finally {
          await sender.close();
        }
      }
      return producePipeline(items(), topic, (messages) => producer.produce(topic, messages, request.options), options);
    },
  );
  feature.showIssues(request.document.uri, summary.failures, summary.unknowns);
  await feature.remember(request.document.uri, cluster.id, topic);
  const text = `${created ? `Created topic "${topic}" with ${partitions} partition${partitions === 1 ? '' : 's'}. ` : ''}${describeSummary(topic, summary)}`;
  feature.history.add({ time: Date.now(), clusterId: cluster.id, clusterName: cluster.name, topic, text, startOffsets: tailStart(summary), failed: summary.failed });
  const listed = (label: string, list: readonly { line: number; reason: string }[]): string =>
    list.length > 1 ? ` ${label}: ${list.map((f) => `line ${f.line + 1}: ${f.reason}`).join('; ')}` : '';
  ctx.log.info(`Produce History: ${text}${file ? ' (bulk path)' : ''}${listed('Failures', summary.failures)}${listed('Unknown', summary.unknowns)}`);
  if (!request.quiet) {
    const resendable = [...new Set(summary.failures.map((f) => f.line))].filter((line) => !invalidLines.has(line));
    void showSummary(ctx, feature, { cluster, topic, request, summary, text, resendable });
  }
  return { ...summary, ...(summary.first ?? {}), topic, path: file ? 'bulk' : 'messages' };
}

const SEND_FAILED_AGAIN = 'Send the Failed Lines Again';

/** A finished run, for its summary notification: `resendable` are the lines that failed at the broker (not in validation). */
interface FinishedRun {
  cluster: ClusterEntry;
  topic: string;
  request: ProduceRequest;
  summary: ProduceSummary;
  text: string;
  resendable: number[];
}

/**
 * The summary with its next steps: the tail, the log, sending again exactly the lines that
 * certainly failed (never the unknown ones: they may be on the broker), and continuing from the
 * first line that was not tried.
 */
async function showSummary(ctx: CommandContext, feature: ProduceFeature, run: FinishedRun): Promise<void> {
  const { cluster, topic, request, summary, text, resendable: failedLines } = run;
  const actions = summary.ranges.length > 0 ? ['Show in Tail'] : [];
  // With repetitions a line stands for several messages: only a single pass can be resent or continued line by line.
  if (failedLines.length > 0 && request.times === 1) {
    actions.push(SEND_FAILED_AGAIN);
  }
  const from = summary.firstNotTried?.line;
  const continueFrom = from !== undefined && request.times === 1 ? `Continue from Line ${from + 1}` : undefined;
  if (continueFrom) {
    actions.push(continueFrom);
  }
  if (summary.failures.length > 0 || summary.unknowns.length > 0) {
    actions.push('Show Log');
  }
  const troubled = summary.failed > 0 || summary.unknown > 0 || summary.notTried > 0 || summary.cancelled;
  const show = troubled ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  const choice = await show(text, ...actions);
  const again = async (narrowed: Partial<ProduceRequest>): Promise<void> => {
    try {
      await runProduce(ctx, feature, cluster, topic, { ...request, line: undefined, lines: undefined, fromLine: undefined, validOnly: true, ...narrowed });
    } catch (error) {
      if (!(error instanceof UserCancelled)) {
        const message = error instanceof Error ? error.message : String(error);
        ctx.log.error(message);
        void vscode.window.showErrorMessage(message);
      }
    }
  };
  if (choice === 'Show in Tail') {
    await ctx.tails.open(cluster, { topics: [topic], fromBeginning: false, startOffsets: tailStart(summary) });
  } else if (choice === SEND_FAILED_AGAIN) {
    await again({ lines: failedLines });
  } else if (choice !== undefined && choice === continueFrom) {
    await again({ fromLine: from });
  } else if (choice === 'Show Log') {
    ctx.log.show(true);
  }
}

/** Tail start positions: the first produced offset of each partition written. */
export function tailStart(summary: ProduceSummary): { partition: number; offset: string }[] {
  return summary.ranges.map((r) => ({ partition: r.partition, offset: r.first }));
}
