import type { LocalKafkaService } from '../../local/localKafkaService';
import type { CommandContext } from '../context';

/** A context whose local Kafka service is present (the extension always provides one). */
export type LocalCommandContext = CommandContext & { local: LocalKafkaService };

/** The context with its local service, or an error when this window has none. */
export function withLocal(ctx: CommandContext): LocalCommandContext {
  if (!ctx.local) {
    throw new Error('Local Kafka is not available in this window.');
  }
  return ctx as LocalCommandContext;
}
