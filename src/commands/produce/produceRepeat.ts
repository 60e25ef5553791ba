import * as vscode from 'vscode';
import { UserCancelled } from '../commandRegistry';
import { type CommandContext, numberField, objectArg } from '../context';
import { prepareProduce, produceFromEditor } from '../produceFromEditor';
import type { ProduceFeature } from './produceFeature';
import type { ProduceOutcome } from './runProduce';
import { runProduce } from './runProduce';

async function askNumber(prompt: string, value: string, min: number): Promise<number> {
  const text = await vscode.window.showInputBox({
    prompt,
    value,
    ignoreFocusOut: true,
    validateInput: (t) => (Number.isFinite(Number(t)) && Number(t) >= min ? undefined : `A number of at least ${min}`),
  });
  if (text === undefined) {
    throw new UserCancelled();
  }
  return Number(text);
}

/** Produce N Times: the file's messages N times over (templates generate fresh values each time). */
export async function produceTimes(ctx: CommandContext, feature: ProduceFeature, arg?: unknown): Promise<ProduceOutcome> {
  const given = objectArg(arg);
  const times = numberField(given, 'times') ?? (await askNumber('How many times should the messages be produced?', '10', 1));
  return produceFromEditor(ctx, { ...given, times }, feature);
}

/**
 * Produce Every T Seconds: sends the file's messages now and then every T seconds until stopped
 * (status bar item, or "Stop Producing"). Returns the repeat's id.
 */
export async function produceEvery(ctx: CommandContext, feature: ProduceFeature, arg?: unknown): Promise<string> {
  const given = objectArg(arg);
  const seconds = numberField(given, 'seconds') ?? (await askNumber('Produce every how many seconds?', '5', 0.1));
  if (!(seconds >= 0.1)) {
    throw new Error('The interval must be at least 0.1 seconds.');
  }
  const { cluster, topic, request } = await prepareProduce(ctx, given, feature);
  const file = request.document.fileName.split(/[\\/]/).pop() ?? 'file';
  return feature.startRepeat(`${file} → ${topic} every ${seconds}s`, seconds, async () => {
    const outcome = await runProduce(ctx, feature, cluster, topic, { ...request, quiet: true, validOnly: true });
    if (outcome.stoppedBy) {
      void vscode.window.showErrorMessage(`Stopped producing to "${topic}": ${outcome.stoppedBy}`);
      throw new Error(outcome.stoppedBy);
    }
    return outcome.sent;
  });
}

/** Stop Producing: stops one running repeat (picked when several run), or the one given as `{ id }`. */
export async function stopProducing(feature: ProduceFeature, arg?: unknown): Promise<void> {
  const id = objectArg(arg).id;
  const running = feature.listRepeats();
  if (typeof id === 'string') {
    feature.stop(id);
    return;
  }
  if (running.length <= 1) {
    feature.stopAll();
    return;
  }
  const picked = await vscode.window.showQuickPick(
    [{ label: 'Stop all', id: '*' }, ...running.map((r) => ({ label: r.label, description: `${r.sent} sent`, id: r.id }))],
    { placeHolder: 'Stop which?' },
  );
  if (!picked) {
    throw new UserCancelled();
  }
  if (picked.id === '*') {
    feature.stopAll();
  } else {
    feature.stop(picked.id);
  }
}
