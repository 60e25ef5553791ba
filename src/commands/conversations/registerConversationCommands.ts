import type { CommandRegistry } from '../commandRegistry';
import type { CommandContext } from '../context';
import type { ConversationFeature } from './conversationFeature';
import { startResponder, stopResponder } from './responderCommands';
import { sendRequest } from './sendRequest';
import { traceConversationCommand } from './traceConversationCommand';

/** Request/reply, responders and conversation traces. */
export const ConversationCommandIds = {
  sendRequest: 'mqExplorer.sendRequest',
  startResponder: 'mqExplorer.startResponder',
  stopResponder: 'mqExplorer.stopResponder',
  traceConversation: 'mqExplorer.traceConversation',
} as const;

function feature(ctx: CommandContext): ConversationFeature {
  if (!ctx.conversations) {
    throw new Error('Conversations are not ready yet; reload the window.');
  }
  return ctx.conversations;
}

export function registerConversationCommands(registry: CommandRegistry, ctx: CommandContext): void {
  registry.register(ConversationCommandIds.sendRequest, (arg) => sendRequest(ctx, feature(ctx), arg));
  registry.register(ConversationCommandIds.startResponder, (arg) => startResponder(ctx, feature(ctx), arg));
  registry.register(ConversationCommandIds.stopResponder, (arg) => stopResponder(feature(ctx), arg));
  registry.register(ConversationCommandIds.traceConversation, (arg) => traceConversationCommand(ctx, feature(ctx), arg));
}
