/** Reading input line by line, from memory or from a file on disk, without holding the parsed whole. */
import * as fs from 'node:fs';
import * as readline from 'node:readline';
import { type ShapeOptions, parseJsonlLine } from './shapes';
import type { SourceIssue, SourceLine, SourceMessage } from './types';

/** Lines of a file on disk, streamed (a 1,000,000-line file never sits in memory as a whole). */
export async function* fileLines(path: string): AsyncGenerator<SourceLine> {
  const input = fs.createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  const reader = readline.createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const text of reader) {
      yield { line: line++, text };
    }
  } finally {
    reader.close();
    input.destroy();
  }
}

/** Lines of an in-memory text, produced lazily. */
export function* textLines(text: string, firstLine = 0): Generator<SourceLine> {
  let start = 0;
  let line = firstLine;
  while (start <= text.length) {
    const end = text.indexOf('\n', start);
    if (end < 0) {
      if (start < text.length) {
        yield { line, text: text.slice(start) };
      }
      return;
    }
    yield { line: line++, text: text.slice(start, end) };
    start = end + 1;
  }
}

/** JSONL messages (and problems) from a stream of lines, parsed one at a time. */
export async function* jsonlItems(
  lines: AsyncIterable<SourceLine> | Iterable<SourceLine>,
  options: ShapeOptions,
): AsyncGenerator<SourceMessage | SourceIssue> {
  for await (const source of lines) {
    const item = parseJsonlLine(source, options);
    if (item) {
      yield item;
      if (options.templates && !('kind' in item)) {
        options.templates.next();
      }
    }
  }
}
