/**
 * beanstalkd's stats, stats-tube and stats-job replies as typed numbers. A field that is missing
 * or not a number means the peer is not the beanstalkd this was written for (protocol.txt of 1.12),
 * and is reported as such rather than shown as 0.
 */
import { BeanstalkdError } from './errors';

export interface JobCounts {
  urgent: number;
  ready: number;
  reserved: number;
  delayed: number;
  buried: number;
}

export interface ServerStats {
  version: string;
  uptimeSeconds: number;
  pid: number;
  maxJobSize: number;
  currentConnections: number;
  currentWorkers: number;
  currentProducers: number;
  currentWaiting: number;
  currentTubes: number;
  currentJobs: JobCounts;
  totalJobs: number;
  totalConnections: number;
  jobTimeouts: number;
  /** How often each command ran since the server started, by command name ("put", "peek-ready"…). */
  commandTotals: Record<string, number>;
  draining: boolean;
  hostname: string;
}

export interface TubeStats {
  name: string;
  currentJobs: JobCounts;
  totalJobs: number;
  currentUsing: number;
  currentWatching: number;
  currentWaiting: number;
  pauseSeconds: number;
  pauseTimeLeftSeconds: number;
  cmdDelete: number;
  cmdPauseTube: number;
}

export type JobState = 'ready' | 'delayed' | 'reserved' | 'buried';

export interface JobStats {
  id: string;
  tube: string;
  state: JobState;
  priority: number;
  ageSeconds: number;
  delaySeconds: number;
  ttrSeconds: number;
  timeLeftSeconds: number;
  /** The binlog file holding the job (0 without a binlog). */
  file: number;
  reserves: number;
  timeouts: number;
  releases: number;
  buries: number;
  kicks: number;
}

function numberOf(raw: Record<string, string>, key: string, what: string): number {
  const text = raw[key];
  const value = Number(text);
  if (text === undefined || text.trim() === '' || !Number.isFinite(value)) {
    throw new BeanstalkdError('unexpected-reply', `beanstalkd's ${what} have no number for "${key}" (found ${text === undefined ? 'nothing' : `"${text}"`}); is this a beanstalkd server?`);
  }
  return value;
}

function textOf(raw: Record<string, string>, key: string, what: string): string {
  const text = raw[key];
  if (text === undefined) {
    throw new BeanstalkdError('unexpected-reply', `beanstalkd's ${what} have no "${key}"; is this a beanstalkd server?`);
  }
  return text;
}

function jobCounts(raw: Record<string, string>, what: string): JobCounts {
  const n = (state: string) => numberOf(raw, `current-jobs-${state}`, what);
  return { urgent: n('urgent'), ready: n('ready'), reserved: n('reserved'), delayed: n('delayed'), buried: n('buried') };
}

export function parseServerStats(raw: Record<string, string>): ServerStats {
  const what = 'server stats';
  const n = (key: string) => numberOf(raw, key, what);
  const commandTotals: Record<string, number> = {};
  for (const key of Object.keys(raw)) {
    if (key.startsWith('cmd-')) {
      commandTotals[key.slice(4)] = n(key);
    }
  }
  return {
    version: textOf(raw, 'version', what),
    uptimeSeconds: n('uptime'),
    pid: n('pid'),
    maxJobSize: n('max-job-size'),
    currentConnections: n('current-connections'),
    currentWorkers: n('current-workers'),
    currentProducers: n('current-producers'),
    currentWaiting: n('current-waiting'),
    currentTubes: n('current-tubes'),
    currentJobs: jobCounts(raw, what),
    totalJobs: n('total-jobs'),
    totalConnections: n('total-connections'),
    jobTimeouts: n('job-timeouts'),
    commandTotals,
    draining: textOf(raw, 'draining', what) === 'true',
    hostname: raw.hostname ?? '',
  };
}

export function parseTubeStats(raw: Record<string, string>): TubeStats {
  const what = 'tube stats';
  const n = (key: string) => numberOf(raw, key, what);
  return {
    name: textOf(raw, 'name', what),
    currentJobs: jobCounts(raw, what),
    totalJobs: n('total-jobs'),
    currentUsing: n('current-using'),
    currentWatching: n('current-watching'),
    currentWaiting: n('current-waiting'),
    pauseSeconds: n('pause'),
    pauseTimeLeftSeconds: n('pause-time-left'),
    cmdDelete: n('cmd-delete'),
    cmdPauseTube: n('cmd-pause-tube'),
  };
}

const JOB_STATES: readonly string[] = ['ready', 'delayed', 'reserved', 'buried'];

export function parseJobStats(raw: Record<string, string>): JobStats {
  const what = 'job stats';
  const n = (key: string) => numberOf(raw, key, what);
  const state = textOf(raw, 'state', what);
  if (!JOB_STATES.includes(state)) {
    throw new BeanstalkdError('unexpected-reply', `beanstalkd reported the job state "${state}", which this extension does not know.`);
  }
  return {
    id: textOf(raw, 'id', what),
    tube: textOf(raw, 'tube', what),
    state: state as JobState,
    priority: n('pri'),
    ageSeconds: n('age'),
    delaySeconds: n('delay'),
    ttrSeconds: n('ttr'),
    timeLeftSeconds: n('time-left'),
    file: n('file'),
    reserves: n('reserves'),
    timeouts: n('timeouts'),
    releases: n('releases'),
    buries: n('buries'),
    kicks: n('kicks'),
  };
}

/**
 * Tube names matching a filter: a glob when it has * or ? (whole name, case-insensitive),
 * otherwise a case-insensitive substring. An empty filter keeps every name.
 */
export function filterTubeNames(names: readonly string[], filter: string): string[] {
  const wanted = filter.trim();
  if (wanted === '') {
    return [...names];
  }
  if (/[*?]/.test(wanted)) {
    const source = wanted.replace(/[.+^${}()|[\]\\/]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    const glob = new RegExp(`^${source}$`, 'i');
    return names.filter((name) => glob.test(name));
  }
  const lower = wanted.toLowerCase();
  return names.filter((name) => name.toLowerCase().includes(lower));
}
