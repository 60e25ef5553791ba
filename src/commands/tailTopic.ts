import type { TailOptions, TailStart } from '../core/brokerClient';
import { UserCancelled } from './commandRegistry';
import { type CommandContext, objectArg, stringField } from './context';
import { resolveCluster, resolveTopic } from './pickers';
import { askTailOptions, parseOffsets, parsePartitions, parseTime } from './tailOptions';

/**
 * Tail Topic: opens (or reveals) the panel for a topic, a topic list or a topic regex.
 * Arguments: `{ clusterId, topic | topics | topicPattern, fromBeginning, start, timestamp, offsets,
 * partitions, mode, group }`; anything needed and missing is asked when run from the palette.
 */
export async function tailTopic(ctx: CommandContext, arg?: unknown): Promise<string> {
  const cluster = await resolveCluster(ctx, arg);
  const given = objectArg(arg);
  const topicPattern = stringField(given, 'topicPattern');
  const listed = Array.isArray(given.topics) ? given.topics.filter((t): t is string => typeof t === 'string') : [];
  const topics = listed.length > 0 || topicPattern ? listed : [await resolveTopic(ctx, cluster, arg, 'Tail which topic?')];
  const options: TailOptions = { topics, fromBeginning: given.fromBeginning === true };
  if (topicPattern) {
    options.topicPattern = topicPattern;
  }
  const start = stringField(given, 'start');
  if (start !== undefined) {
    if (!['latest', 'earliest', 'timestamp', 'offsets'].includes(start)) {
      throw new Error(`"start" must be latest, earliest, timestamp or offsets, not "${start}".`);
    }
    options.start = start as TailStart;
  }
  if (given.timestamp !== undefined) {
    options.timestamp = typeof given.timestamp === 'number' ? given.timestamp : parseTime(stringField(given, 'timestamp') ?? '');
  }
  if (given.offsets !== undefined) {
    options.offsets = parseOffsets(given.offsets);
  }
  if (given.partitions !== undefined) {
    options.partitions = parsePartitions(given.partitions);
  }
  const mode = stringField(given, 'mode');
  if (mode !== undefined) {
    if (mode !== 'push' && mode !== 'pull') {
      throw new Error(`"mode" must be push or pull, not "${mode}".`);
    }
    options.mode = mode;
  }
  const group = stringField(given, 'group');
  if (group) {
    options.group = group;
  }
  if (typeof given.fromBeginning !== 'boolean' && start === undefined) {
    const asked = await askTailOptions();
    if (!asked) {
      throw new UserCancelled();
    }
    Object.assign(options, asked);
  }
  const panel = await ctx.tails.open(cluster, options);
  return panel.id;
}
