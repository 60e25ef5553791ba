import * as vscode from 'vscode';
import type { LocalCommandContext as CommandContext } from './localContext';
import { resolveBackend } from './localArgs';

/**
 * Show Local Kafka Logs: Docker follows `compose logs -f` in a terminal; the Java broker's output is
 * already in the MQ Explorer output channel, which is shown.
 */
export async function showLocalLogs(ctx: CommandContext, arg?: unknown): Promise<vscode.Terminal | undefined> {
  const backend = await resolveBackend(arg, 'Show Local Kafka Logs');
  if (backend === 'java') {
    ctx.log.show(true);
    return undefined;
  }
  const command = (await ctx.local.stack()).logsCommand();
  const terminal = vscode.window.createTerminal({
    name: 'Local Kafka logs',
    shellPath: command.file,
    shellArgs: command.args,
    env: command.env,
  });
  terminal.show();
  return terminal;
}
