/** Shared shapes of the produce pipeline (pure: no vscode, no Kafka client). */
import type { OutgoingMessage } from '../core/brokerClient';

/** How a file's content becomes messages. */
export type ProduceShape = 'text' | 'json' | 'jsonl';

/** One message taken from a file, with where it starts (0-based line and column). */
export interface SourceMessage {
  line: number;
  column: number;
  /** Where the message's text ends (0-based, exclusive), for CodeLens and diagnostics ranges. */
  endLine: number;
  message: OutgoingMessage;
  /** The value as parsed JSON (what a contract validates); undefined for non-JSON text. */
  parsedValue?: unknown;
}

/** A problem found at a place in the file: malformed JSON, an invalid envelope, a contract violation. */
export interface SourceIssue {
  line: number;
  column: number;
  message: string;
  kind: 'syntax' | 'envelope' | 'contract';
}

/** One line of input (0-based line number). */
export interface SourceLine {
  line: number;
  text: string;
}
