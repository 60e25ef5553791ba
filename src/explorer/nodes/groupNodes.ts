import * as vscode from 'vscode';
import type { ConsumerGroupDescription, ConsumerGroupSummary, GroupMember, PartitionLag } from '../../core/clusterModel';
import type { ClusterEntry } from '../../connections/connectionService';
import { ClusterScopedNode, type ExplorerContext, type ExplorerNode, MessageNode, loadOrExplain, matchesFilter, plural } from './base';

export class GroupsFolderNode extends ClusterScopedNode {
  readonly kind = 'groups';
  readonly id: string;

  constructor(cluster: ClusterEntry) {
    super(cluster);
    this.id = `groups:${cluster.id}`;
  }

  toTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem('Consumer Groups', vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('organization');
    item.contextValue = 'groups';
    return item;
  }

  /** Describes every group and its lag: one request per group, fine for hundreds of groups. */
  override children(ctx: ExplorerContext): Promise<ExplorerNode[]> {
    return loadOrExplain(ctx, this, 'consumer groups', async () => {
      const filter = ctx.filterOf(this.cluster.id);
      const all = await this.client(ctx).listConsumerGroups();
      const groups = all.filter((g) => matchesFilter(g.groupId, filter));
      if (groups.length === 0) {
        return [new MessageNode(`empty:${this.id}`, filter ? `No group matches "${filter}"` : 'No consumer groups', 'info')];
      }
      const nodes: ExplorerNode[] = groups.map((g) => new GroupNode(this.cluster, g));
      if (filter) {
        nodes.unshift(new MessageNode(`filter:${this.id}`, `Filtered by "${filter}"`, 'info', [], `${groups.length} of ${all.length}`));
      }
      return nodes;
    });
  }
}

export class GroupNode extends ClusterScopedNode {
  readonly kind = 'group';
  readonly id: string;

  constructor(
    cluster: ClusterEntry,
    readonly group: ConsumerGroupSummary,
  ) {
    super(cluster);
    this.id = `group:${cluster.id}:${group.groupId}`;
  }

  toTreeItem(): vscode.TreeItem {
    const g = this.group;
    const item = new vscode.TreeItem(g.groupId, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.description = `${g.state} · ${plural(g.memberCount, 'member')} · lag ${g.totalLag}`;
    item.tooltip = `${g.groupId}\nState: ${g.state}\nProtocol: ${g.protocolType || '-'} / ${g.protocol || '-'}\nMembers: ${g.memberCount}\nTotal lag: ${g.totalLag}`;
    item.iconPath = new vscode.ThemeIcon(g.state === 'Stable' ? 'pass' : g.state === 'Empty' ? 'circle-outline' : 'sync');
    item.contextValue = 'group';
    return item;
  }

  override children(ctx: ExplorerContext): Promise<ExplorerNode[]> {
    return loadOrExplain(ctx, this, `group ${this.group.groupId}`, async () => {
      const described: ConsumerGroupDescription = await this.client(ctx).describeConsumerGroup(this.group.groupId);
      const members = described.members.map((m) => new MemberNode(this.cluster, this.group.groupId, m));
      const offsets = described.offsets.map((o) => new GroupOffsetNode(this.cluster, this.group.groupId, o));
      if (members.length === 0 && offsets.length === 0) {
        return [new MessageNode(`empty:${this.id}`, 'No members and no committed offsets', 'info')];
      }
      return [...members, ...offsets];
    });
  }

  override describe(): unknown {
    return this.group;
  }

  override copyText(): string {
    return this.group.groupId;
  }
}

export class MemberNode extends ClusterScopedNode {
  readonly kind = 'member';
  readonly id: string;

  constructor(
    cluster: ClusterEntry,
    readonly groupId: string,
    readonly member: GroupMember,
  ) {
    super(cluster);
    this.id = `member:${cluster.id}:${groupId}:${member.memberId}`;
  }

  toTreeItem(): vscode.TreeItem {
    const m = this.member;
    const item = new vscode.TreeItem(m.clientId || m.memberId, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    const assigned = m.assignment.map((a) => `${a.topic} [${a.partitions.join(',')}]`).join('; ');
    item.description = `${m.host}${assigned ? ` · ${assigned}` : ''}`;
    item.tooltip = `${m.clientId || m.memberId}\nMember id: ${m.memberId}\nHost: ${m.host}\nAssigned: ${assigned || 'nothing'}`;
    item.iconPath = new vscode.ThemeIcon('person');
    item.contextValue = 'member';
    return item;
  }

  override describe(): unknown {
    return { groupId: this.groupId, ...this.member };
  }

  override copyText(): string {
    return this.member.clientId;
  }
}

export class GroupOffsetNode extends ClusterScopedNode {
  readonly kind = 'groupOffset';
  readonly id: string;

  constructor(
    cluster: ClusterEntry,
    readonly groupId: string,
    readonly offset: PartitionLag,
  ) {
    super(cluster);
    this.id = `groupOffset:${cluster.id}:${groupId}:${offset.topic}:${offset.partition}`;
  }

  toTreeItem(): vscode.TreeItem {
    const o = this.offset;
    const item = new vscode.TreeItem(`${o.topic} [${o.partition}]`, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.description = `committed ${o.committed} / end ${o.end} · lag ${o.lag}`;
    item.tooltip = `${o.topic} [${o.partition}] in group ${this.groupId}\nCommitted offset: ${o.committed}\nEnd offset: ${o.end}\nLag: ${o.lag}`;
    item.iconPath = new vscode.ThemeIcon(o.lag === '0' ? 'check' : 'debug-step-over');
    item.contextValue = 'groupOffset';
    return item;
  }

  override describe(): unknown {
    return { groupId: this.groupId, ...this.offset };
  }

  override copyText(): string {
    return `${this.offset.topic} partition ${this.offset.partition}: committed ${this.offset.committed}, end ${this.offset.end}, lag ${this.offset.lag}`;
  }
}
