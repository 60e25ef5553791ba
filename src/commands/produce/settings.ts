import * as vscode from 'vscode';
import type { ProduceOptions } from '../../core/brokerClient';
import type { ContractRule } from '../../produce/contracts';
import type { EnvelopeMode } from '../../produce/envelope';

/** A target declared for files in settings: `{ "data/orders*.jsonl": { "cluster": "Local", "topic": "orders" } }`. */
export interface DeclaredTarget {
  cluster?: string;
  topic: string;
}

/** The `mqExplorer.produce.*` settings, read fresh on every run. */
export interface ProduceSettings {
  envelope: EnvelopeMode;
  templates: boolean;
  batchSize: number;
  maxInFlight: number;
  options: ProduceOptions;
  contracts: ContractRule[];
  targets: Record<string, DeclaredTarget>;
  codeLens: boolean;
}

export function readProduceSettings(scope?: vscode.Uri): ProduceSettings {
  const c = vscode.workspace.getConfiguration('mqExplorer.produce', scope);
  return {
    envelope: c.get<EnvelopeMode>('envelope', 'auto'),
    templates: c.get<boolean>('templates', true),
    batchSize: Math.max(1, c.get<number>('batchSize', 500)),
    maxInFlight: Math.max(1, c.get<number>('maxInFlight', 8)),
    options: {
      compression: c.get<ProduceOptions['compression']>('compression', 'none'),
      acks: c.get<ProduceOptions['acks']>('acks', -1),
      idempotent: c.get<boolean>('idempotent', false),
    },
    contracts: c.get<ContractRule[]>('contracts', []),
    targets: c.get<Record<string, DeclaredTarget>>('targets', {}),
    codeLens: c.get<boolean>('codeLens', true),
  };
}
