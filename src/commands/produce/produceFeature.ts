import * as vscode from 'vscode';
import { DisposableStore } from '../../core/lifecycle';
import type { ProduceFailure } from '../../produce/pipeline';
import type { SourceIssue } from '../../produce/types';
import { ProduceHistory } from './produceHistory';
import { TargetMemory } from './targets';

/** A running "Produce every T seconds", shown in the status bar until stopped. */
interface Repeat {
  label: string;
  timer: NodeJS.Timeout;
  sent: number;
}

/**
 * State the produce commands share: problems as diagnostics at their lines, the per-file target
 * memory, and the running repeats with their status bar item.
 */
export class ProduceFeature extends DisposableStore {
  readonly diagnostics = this._register(vscode.languages.createDiagnosticCollection('MQ Explorer produce'));
  readonly targets: TargetMemory;
  /** The last produce results (Show Recent Produce Results). */
  readonly history = new ProduceHistory();
  private readonly repeats = new Map<string, Repeat>();
  private readonly status = this._register(vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 50));
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  /** Fires when a target is remembered (CodeLens titles show it). */
  readonly onDidChange = this.changed.event;

  constructor(state: vscode.Memento, stopCommand: string) {
    super();
    this.targets = new TargetMemory(state);
    this.status.command = stopCommand;
    this._register({ dispose: () => this.stopAll() });
  }

  async remember(uri: vscode.Uri, cluster: string, topic: string): Promise<void> {
    await this.targets.remember(uri, cluster, topic);
    this.changed.fire();
  }

  /**
   * Shows problems at their lines (replacing the file's previous ones); an empty list clears them.
   * Failed messages are errors; messages whose delivery is unknown (`unknowns`) are warnings that
   * say they may be on the broker, so they are not mistaken for lines to send again.
   */
  showIssues(uri: vscode.Uri, issues: readonly (SourceIssue | ProduceFailure)[], unknowns: readonly ProduceFailure[] = []): void {
    const at = (line: number, column: number, text: string, severity: vscode.DiagnosticSeverity): vscode.Diagnostic => {
      const position = new vscode.Position(line, column);
      const diagnostic = new vscode.Diagnostic(new vscode.Range(position, position.translate(0, 1)), text, severity);
      diagnostic.source = 'MQ Explorer';
      return diagnostic;
    };
    this.diagnostics.set(uri, [
      ...issues.slice(0, 1000).map((issue) => at(issue.line, issue.column, 'reason' in issue ? issue.reason : issue.message, vscode.DiagnosticSeverity.Error)),
      ...unknowns
        .slice(0, 1000)
        .map((u) =>
          at(u.line, u.column, `Delivery unknown: in flight when the connection failed, this message may or may not be on the broker (${u.reason})`, vscode.DiagnosticSeverity.Warning),
        ),
    ]);
  }

  /** Starts running `tick` every `seconds` (first run at once); returns the repeat's id. */
  startRepeat(label: string, seconds: number, tick: () => Promise<number>): string {
    const id = `${label}#${Date.now()}`;
    let busy = false;
    const run = async (): Promise<void> => {
      if (busy) {
        return; // a slow broker must not pile up overlapping sends
      }
      busy = true;
      try {
        const repeat = this.repeats.get(id);
        const sent = await tick();
        if (repeat) {
          repeat.sent += sent;
        }
      } catch {
        this.stop(id);
      } finally {
        busy = false;
        this.render();
      }
    };
    this.repeats.set(id, { label, timer: setInterval(() => void run(), seconds * 1000), sent: 0 });
    void run();
    this.render();
    return id;
  }

  /** Running repeats: id, label and messages sent so far (tests and the stop picker read it). */
  listRepeats(): { id: string; label: string; sent: number }[] {
    return [...this.repeats].map(([id, r]) => ({ id, label: r.label, sent: r.sent }));
  }

  stop(id: string): void {
    const repeat = this.repeats.get(id);
    if (repeat) {
      clearInterval(repeat.timer);
      this.repeats.delete(id);
      this.render();
    }
  }

  stopAll(): void {
    [...this.repeats.keys()].forEach((id) => this.stop(id));
  }

  private render(): void {
    const repeats = [...this.repeats.values()];
    if (repeats.length === 0) {
      this.status.hide();
      return;
    }
    const sent = repeats.reduce((n, r) => n + r.sent, 0);
    this.status.text = `$(debug-stop) Producing: ${repeats.length === 1 ? repeats[0].label : `${repeats.length} repeats`} (${sent} sent)`;
    this.status.tooltip = 'Click to stop producing';
    this.status.show();
  }
}
