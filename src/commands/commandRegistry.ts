import * as vscode from 'vscode';
import { BrokerOperationError } from '../core/errors';

export type CommandHandler = (...args: unknown[]) => unknown;

/** Thrown when the user dismissed a prompt: the command ends quietly. */
export class UserCancelled extends Error {
  constructor() {
    super('Cancelled');
    this.name = 'UserCancelled';
  }
}

/** A failure a command showed to the user. */
export interface ReportedError {
  commandId: string;
  message: string;
}

/**
 * One wrapper for every command: logs the call and any failure, shows the failure as a message the
 * user can act on (with "Show Logs"), and never rethrows (VS Code would show a second, rawer popup).
 * Failures are also published on `onDidReport`, which the extension's test API exposes.
 */
export class CommandRegistry implements vscode.Disposable {
  private readonly reported = new vscode.EventEmitter<ReportedError>();
  readonly onDidReport = this.reported.event;
  private readonly registrations: vscode.Disposable[] = [];

  constructor(private readonly log: vscode.LogOutputChannel) {}

  register(id: string, handler: CommandHandler): void {
    this.registrations.push(
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        this.log.debug(`Command ${id}`);
        try {
          return await handler(...args);
        } catch (error) {
          if (!(error instanceof UserCancelled)) {
            this.report(id, error);
          }
          return undefined;
        }
      }),
    );
  }

  /** Owns a disposable that commands need (a content provider, a status item) until dispose. */
  track<T extends vscode.Disposable>(disposable: T): T {
    this.registrations.push(disposable);
    return disposable;
  }

  private report(commandId: string, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    const detail = error instanceof BrokerOperationError || !(error instanceof Error) ? message : error.stack;
    this.log.error(`Command ${commandId} failed: ${detail ?? message}`);
    this.reported.fire({ commandId, message });
    void vscode.window.showErrorMessage(message, 'Show Logs').then((choice) => {
      if (choice === 'Show Logs') {
        this.log.show(true);
      }
    });
  }

  dispose(): void {
    for (const registration of this.registrations.splice(0)) {
      registration.dispose();
    }
    this.reported.dispose();
  }
}
