import * as vscode from 'vscode';
import type { CommandRegistry } from '../commandRegistry';
import type { CommandContext } from '../context';
import { resolveCluster, resolveTopic } from '../pickers';
import { PRODUCE_CODELENS_SELECTOR, ProduceCodeLensProvider } from './produceCodeLens';
import type { ProduceFeature } from './produceFeature';
import { showRecentProduceResults } from './showRecentProduceResults';
import { produceFile } from './produceFile';
import { produceEvery, produceTimes, stopProducing } from './produceRepeat';

/** The produce commands beyond "Produce Message from Editor". */
export const ProduceCommandIds = {
  produceTimes: 'mqExplorer.produceTimes',
  produceEvery: 'mqExplorer.produceEvery',
  stopProducing: 'mqExplorer.stopProducing',
  setProduceTarget: 'mqExplorer.setProduceTarget',
  showRecentProduceResults: 'mqExplorer.showRecentProduceResults',
  produceFile: 'mqExplorer.produceFile',
} as const;

function feature(ctx: CommandContext): ProduceFeature {
  if (!ctx.produce) {
    throw new Error('Producing is not ready yet; reload the window.');
  }
  return ctx.produce;
}

/** Set Produce Target: the cluster and topic the active file produces to, remembered for that file. */
async function setProduceTarget(ctx: CommandContext, arg?: unknown): Promise<{ clusterId: string; topic: string }> {
  const document = vscode.window.activeTextEditor?.document;
  if (!document) {
    throw new Error('Open the file whose target you want to set first.');
  }
  const cluster = await resolveCluster(ctx, arg);
  const topic = await resolveTopic(ctx, cluster, arg, `Produce ${document.fileName.split(/[\\/]/).pop() ?? 'this file'} to which topic?`);
  await feature(ctx).remember(document.uri, cluster.id, topic);
  return { clusterId: cluster.id, topic };
}

export function registerProduceCommands(registry: CommandRegistry, ctx: CommandContext): void {
  registry.register(ProduceCommandIds.produceTimes, (arg) => produceTimes(ctx, feature(ctx), arg));
  registry.register(ProduceCommandIds.produceEvery, (arg) => produceEvery(ctx, feature(ctx), arg));
  registry.register(ProduceCommandIds.stopProducing, (arg) => stopProducing(feature(ctx), arg));
  registry.register(ProduceCommandIds.setProduceTarget, (arg) => setProduceTarget(ctx, arg));
  registry.register(ProduceCommandIds.showRecentProduceResults, (arg) => showRecentProduceResults(ctx, feature(ctx).history, arg));
  registry.register(ProduceCommandIds.produceFile, (arg, extra) => produceFile(ctx, feature(ctx), arg, extra));
}

/** CodeLens on JSONL and `*.kafka.json` files. */
export function registerProduceCodeLens(produce: ProduceFeature): vscode.Disposable {
  return vscode.languages.registerCodeLensProvider(
    PRODUCE_CODELENS_SELECTOR,
    new ProduceCodeLensProvider(produce, { produce: 'mqExplorer.produceFromEditor', setTarget: ProduceCommandIds.setProduceTarget }),
  );
}
