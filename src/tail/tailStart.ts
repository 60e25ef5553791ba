import type { TailOptions } from '../core/brokerClient';

/**
 * Where a tail starts, for its heading and the log: latest, earliest, `at <ISO time>`, offsets, or
 * given offsets (e.g. "offsets p0 120, p1 7" after Show in Tail).
 */
export function describeTailStart(options: TailOptions): string {
  const start = options.start ?? (options.startOffsets?.length ? undefined : options.fromBeginning ? 'earliest' : 'latest');
  if (start === undefined) {
    return `offsets ${(options.startOffsets ?? []).map((o) => `p${o.partition} ${o.offset}`).join(', ')}`;
  }
  return start === 'timestamp' ? `at ${new Date(options.timestamp ?? 0).toISOString()}` : start;
}
