import type { CommandRegistry } from '../commandRegistry';
import type { CommandContext } from '../context';
import { addPartitions } from './addPartitions';
import { deleteTopics } from './deleteTopics';
import { deleteGroup, resetOffsets } from './groupCommands';
import { purgeTopic } from './purgeTopic';
import { toggleReadOnly } from './toggleReadOnly';
import { editTopicConfig, resetTopicConfig } from './topicConfig';

export const AdminCommandIds = {
  deleteTopics: 'mqExplorer.deleteTopics',
  addPartitions: 'mqExplorer.addPartitions',
  editTopicConfig: 'mqExplorer.editTopicConfig',
  resetTopicConfig: 'mqExplorer.resetTopicConfig',
  purgeTopic: 'mqExplorer.purgeTopic',
  deleteGroup: 'mqExplorer.deleteGroup',
  resetOffsets: 'mqExplorer.resetOffsets',
  toggleReadOnly: 'mqExplorer.toggleReadOnly',
} as const;

/** Topic and group administration, and the read-only switch. */
export function registerAdminCommands(registry: CommandRegistry, ctx: CommandContext): void {
  registry.register(AdminCommandIds.deleteTopics, (arg, selection) => deleteTopics(ctx, arg, selection));
  registry.register(AdminCommandIds.addPartitions, (arg) => addPartitions(ctx, arg));
  registry.register(AdminCommandIds.editTopicConfig, (arg) => editTopicConfig(ctx, arg));
  registry.register(AdminCommandIds.resetTopicConfig, (arg) => resetTopicConfig(ctx, arg));
  registry.register(AdminCommandIds.purgeTopic, (arg) => purgeTopic(ctx, arg));
  registry.register(AdminCommandIds.deleteGroup, (arg) => deleteGroup(ctx, arg));
  registry.register(AdminCommandIds.resetOffsets, (arg) => resetOffsets(ctx, arg));
  registry.register(AdminCommandIds.toggleReadOnly, (arg) => toggleReadOnly(ctx, arg));
}
