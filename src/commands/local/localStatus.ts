import * as vscode from 'vscode';
import { LOCAL_BACKENDS, type LocalStatusReport } from '../../local/localKafkaService';
import type { LocalCommandContext as CommandContext } from './localContext';
import { objectArg, stringField } from '../context';
import { BACKEND_LABELS, resolveBackend } from './localArgs';

/** Local Kafka Status: the state of one backend (from a node or `{ backend }`) or of both. */
export async function localStatus(ctx: CommandContext, arg?: unknown): Promise<LocalStatusReport[]> {
  const backends = stringField(objectArg(arg), 'backend') !== undefined ? [await resolveBackend(arg, 'Local Kafka Status')] : LOCAL_BACKENDS;
  const reports = await Promise.all(backends.map((backend) => ctx.local.status(backend)));
  const text = reports.map((r) => `${BACKEND_LABELS[r.backend]}: ${r.status}${r.detail ? ` (${r.detail})` : ''}`).join('; ');
  ctx.log.info(`Local Kafka status: ${text}`);
  void vscode.window.showInformationMessage(`Local Kafka ${text}`);
  return reports;
}
