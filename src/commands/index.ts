import { ExplorerNode } from '../explorer/nodes';
import { AdminCommandIds, registerAdminCommands } from './admin/registerAdminCommands';
import { addCluster } from './cluster/addCluster';
import { editCluster } from './cluster/editCluster';
import { exportClusters } from './cluster/exportClusters';
import { importClusters } from './cluster/importClusters';
import { NodeCommandIds, registerNodeCommands } from './explorer/nodeCommands';
import { removeCluster } from './cluster/removeCluster';
import type { CommandRegistry } from './commandRegistry';
import type { CommandContext } from './context';
import { ConversationCommandIds, registerConversationCommands } from './conversations/registerConversationCommands';
import { LocalCommandIds, registerLocalCommands } from './local/registerLocalCommands';
import { produceFromEditor } from './produceFromEditor';
import { ProduceCommandIds, registerProduceCommands } from './produce/registerProduceCommands';
import { startLocalKafka } from './startLocalKafka';
import { exportTail, fetchNextTail, filterTail, histogramTail, jumpToOffsetTail, openInEditorTail, selectTimeTail, traceFromTail } from './tailPanelCommands';
import { tailTopic } from './tailTopic';
import { createTopic } from './topic/createTopic';

/** Every command id, in one place for package.json, menus and tests. */
export const CommandIds = {
  addCluster: 'mqExplorer.addCluster',
  removeCluster: 'mqExplorer.removeCluster',
  editCluster: 'mqExplorer.editCluster',
  exportClusters: 'mqExplorer.exportClusters',
  importClusters: 'mqExplorer.importClusters',
  refresh: 'mqExplorer.refresh',
  createTopic: 'mqExplorer.createTopic',
  produceFromEditor: 'mqExplorer.produceFromEditor',
  tailTopic: 'mqExplorer.tailTopic',
  exportTail: 'mqExplorer.tail.export',
  filterTail: 'mqExplorer.tail.filter',
  fetchNextTail: 'mqExplorer.tail.fetchNext',
  traceFromTail: 'mqExplorer.tail.trace',
  selectTimeTail: 'mqExplorer.tail.selectTime',
  histogramTail: 'mqExplorer.tail.histogram',
  jumpToOffsetTail: 'mqExplorer.tail.jumpToOffset',
  openInEditorTail: 'mqExplorer.tail.openInEditor',
  startLocalKafka: 'mqExplorer.startLocalKafka',
  showLogs: 'mqExplorer.showLogs',
  ...NodeCommandIds,
  ...AdminCommandIds,
  ...ProduceCommandIds,
  ...LocalCommandIds,
  ...ConversationCommandIds,
} as const;

/** Wires each command to its handler through the one wrapper. */
export function registerCommands(registry: CommandRegistry, ctx: CommandContext): void {
  registry.register(CommandIds.addCluster, (arg) => addCluster(ctx, arg));
  registry.register(CommandIds.removeCluster, (arg) => removeCluster(ctx, arg));
  registry.register(CommandIds.editCluster, (arg) => editCluster(ctx, arg));
  registry.register(CommandIds.exportClusters, (arg) => exportClusters(ctx, arg));
  registry.register(CommandIds.importClusters, (arg) => importClusters(ctx, arg));
  registry.register(CommandIds.refresh, (arg) => ctx.tree.refresh(arg instanceof ExplorerNode ? arg : undefined));
  registerNodeCommands(registry, ctx);
  registerAdminCommands(registry, ctx);
  registry.register(CommandIds.createTopic, (arg) => createTopic(ctx, arg));
  registry.register(CommandIds.produceFromEditor, (arg) => produceFromEditor(ctx, arg, ctx.produce));
  registerProduceCommands(registry, ctx);
  registry.register(CommandIds.tailTopic, (arg) => tailTopic(ctx, arg));
  registry.register(CommandIds.exportTail, (arg) => exportTail(ctx, arg));
  registry.register(CommandIds.filterTail, (arg) => filterTail(ctx, arg));
  registry.register(CommandIds.fetchNextTail, (arg) => fetchNextTail(ctx, arg));
  registry.register(CommandIds.traceFromTail, (arg) => traceFromTail(ctx, arg));
  registry.register(CommandIds.selectTimeTail, (arg) => selectTimeTail(ctx, arg));
  registry.register(CommandIds.histogramTail, (arg) => histogramTail(ctx, arg));
  registry.register(CommandIds.jumpToOffsetTail, (arg) => jumpToOffsetTail(ctx, arg));
  registry.register(CommandIds.openInEditorTail, (arg) => openInEditorTail(ctx, arg));
  registry.register(CommandIds.startLocalKafka, () => startLocalKafka(ctx));
  registerLocalCommands(registry, ctx);
  registerConversationCommands(registry, ctx);
  registry.register(CommandIds.showLogs, () => ctx.log.show(true));
}
