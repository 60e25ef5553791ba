/**
 * Which topics a tail reads: the topics it names plus those matching its pattern. A pattern never
 * matches an internal topic (`__consumer_offsets` and the like), which a user tail has no use for.
 */
import type { TailOptions } from '../../../core/brokerClient';

/** The topics of `all` that match `pattern` and are not in `except`, sorted; internal topics never match. */
export function matchingTopics(all: string[], pattern: RegExp, except: string[]): string[] {
  return all.filter((t) => pattern.test(t) && !t.startsWith('__') && !except.includes(t)).sort();
}

/**
 * The topics a tail starts with: those named in `options`, then those on the cluster matching its
 * pattern. Throws words the user can act on for an invalid pattern or when there is no topic at all.
 */
export async function resolveTailTopics(options: TailOptions, listTopics: () => Promise<string[]>): Promise<string[]> {
  const topics = [...options.topics];
  if (options.topicPattern) {
    let pattern: RegExp;
    try {
      pattern = new RegExp(options.topicPattern);
    } catch (error) {
      throw new Error(`The topic pattern /${options.topicPattern}/ is not a valid regex: ${(error as Error).message}`);
    }
    topics.push(...matchingTopics(await listTopics(), pattern, topics));
  }
  if (topics.length === 0) {
    throw new Error(`No topic to tail: /${options.topicPattern ?? ''}/ matches no topic on the cluster.`);
  }
  return topics;
}
