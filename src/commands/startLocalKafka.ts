import type { ClusterEntry } from '../connections/connectionService';
import type { CommandContext } from './context';
import { startLocal } from './local/startLocal';

/**
 * Start Local Kafka (Docker): `compose up -d` on the bundled docker-compose.yaml, waits until the
 * broker answers, and adds the "Local" cluster. Without Docker it says so and offers the Java way.
 * Kept as its own command for keybindings and the welcome view; the work is in local/startLocal.
 */
export async function startLocalKafka(ctx: CommandContext): Promise<ClusterEntry | undefined> {
  if (!ctx.local) {
    throw new Error('Local Kafka is not available in this window.');
  }
  return startLocal({ ...ctx, local: ctx.local }, { backend: 'docker' });
}
