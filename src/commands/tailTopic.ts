import * as vscode from 'vscode';
import { UserCancelled } from './commandRegistry';
import { type CommandContext, objectArg } from './context';
import { resolveCluster, resolveTopic } from './pickers';

/**
 * Tail Topic: opens (or reveals) the live panel for a topic. Start position from `{ fromBeginning }`,
 * or asked when run from the palette.
 */
export async function tailTopic(ctx: CommandContext, arg?: unknown): Promise<string> {
  const cluster = await resolveCluster(ctx, arg);
  const topic = await resolveTopic(ctx, cluster, arg, 'Tail which topic?');
  const given = objectArg(arg).fromBeginning;
  const fromBeginning = typeof given === 'boolean' ? given : await askStart();
  const panel = await ctx.tails.open(cluster, { topics: [topic], fromBeginning });
  return panel.id;
}

async function askStart(): Promise<boolean> {
  const picked = await vscode.window.showQuickPick(
    [
      { label: 'New messages only', description: 'start at the end of each partition', fromBeginning: false },
      { label: 'From the beginning', description: 'replay what the topic still holds', fromBeginning: true },
    ],
    { placeHolder: 'Where should the tail start?', ignoreFocusOut: true },
  );
  if (!picked) {
    throw new UserCancelled();
  }
  return picked.fromBeginning;
}
