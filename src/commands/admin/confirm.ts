import * as vscode from 'vscode';
import { UserCancelled } from '../commandRegistry';
import { objectArg } from '../context';

/**
 * A typed confirmation for destructive actions: the user types `expected` (a name or a count).
 * `{ confirm: expected }` in the argument confirms without asking (tests, scripts).
 */
export async function typedConfirmation(arg: unknown, expected: string, question: string): Promise<void> {
  const given = objectArg(arg).confirm;
  if (given !== undefined) {
    if (given !== expected) {
      throw new Error(`Not confirmed: type "${expected}" exactly to go ahead.`);
    }
    return;
  }
  const typed = await vscode.window.showInputBox({
    title: question,
    prompt: `Type ${/^\d+$/.test(expected) ? 'the number' : ''} "${expected}" to confirm. This cannot be undone.`,
    ignoreFocusOut: true,
    validateInput: (text) => (text === expected || text === '' ? undefined : `Type "${expected}" exactly.`),
  });
  if (typed !== expected) {
    throw new UserCancelled();
  }
}
