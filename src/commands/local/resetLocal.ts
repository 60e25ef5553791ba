import * as vscode from 'vscode';
import { UserCancelled } from '../commandRegistry';
import type { LocalCommandContext as CommandContext } from './localContext';
import { objectArg, stringField } from '../context';
import { BACKEND_LABELS, resolveBackend } from './localArgs';

const CONFIRMATION = 'reset';

/**
 * Reset Local Kafka Data: stops the broker and deletes every topic and message (Docker: `down -v`),
 * after the user types "reset" (or `{ backend, confirm: 'reset' }`). The "Local" cluster goes too.
 */
export async function resetLocal(ctx: CommandContext, arg?: unknown): Promise<void> {
  const backend = await resolveBackend(arg, 'Reset Local Kafka Data');
  const confirm =
    stringField(objectArg(arg), 'confirm') ??
    (await vscode.window.showInputBox({
      title: `Reset local Kafka (${BACKEND_LABELS[backend]})`,
      prompt: `Deletes every topic and message of the local Kafka. Type "${CONFIRMATION}" to confirm.`,
      validateInput: (value) => (value === CONFIRMATION ? undefined : `Type "${CONFIRMATION}" to delete the data.`),
    }));
  if (confirm !== CONFIRMATION) {
    throw new UserCancelled();
  }
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Deleting the local Kafka's data (${BACKEND_LABELS[backend]})…` },
    () => ctx.local.reset(backend),
  );
  void vscode.window.showInformationMessage(`Local Kafka (${BACKEND_LABELS[backend]}) was stopped and its data deleted.`);
}
