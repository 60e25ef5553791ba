import type { CommandRegistry } from '../commandRegistry';
import type { CommandContext } from '../context';
import { withLocal } from './localContext';
import { localStatus } from './localStatus';
import { resetLocal } from './resetLocal';
import { restartLocal } from './restartLocal';
import { showLocalLogs } from './showLocalLogs';
import { startLocal } from './startLocal';
import { stopLocal } from './stopLocal';

/** Local Kafka commands; each takes `{ backend: 'docker' | 'java' }` or a "Local Kafka" tree node. */
export const LocalCommandIds = {
  localStart: 'mqExplorer.local.start',
  localStop: 'mqExplorer.local.stop',
  localRestart: 'mqExplorer.local.restart',
  localReset: 'mqExplorer.local.reset',
  localLogs: 'mqExplorer.local.logs',
  localStatus: 'mqExplorer.local.status',
} as const;


export function registerLocalCommands(registry: CommandRegistry, ctx: CommandContext): void {
  registry.register(LocalCommandIds.localStart, (arg) => startLocal(withLocal(ctx), arg));
  registry.register(LocalCommandIds.localStop, (arg) => stopLocal(withLocal(ctx), arg));
  registry.register(LocalCommandIds.localRestart, (arg) => restartLocal(withLocal(ctx), arg));
  registry.register(LocalCommandIds.localReset, (arg) => resetLocal(withLocal(ctx), arg));
  registry.register(LocalCommandIds.localLogs, (arg) => showLocalLogs(withLocal(ctx), arg));
  registry.register(LocalCommandIds.localStatus, (arg) => localStatus(withLocal(ctx), arg));
}
