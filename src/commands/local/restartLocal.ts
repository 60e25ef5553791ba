import type { ClusterEntry } from '../../connections/connectionService';
import type { LocalCommandContext as CommandContext } from './localContext';
import { BACKEND_LABELS, resolveBackend, withLocalProgress } from './localArgs';

/** Restart Local Kafka: data kept; waits until the broker answers again. */
export async function restartLocal(ctx: CommandContext, arg?: unknown): Promise<ClusterEntry> {
  const backend = await resolveBackend(arg, 'Restart Local Kafka');
  return withLocalProgress(`Restarting local Kafka (${BACKEND_LABELS[backend]})`, (progress) => ctx.local.restart(backend, progress));
}
