/**
 * JSON helpers that keep positions: JSON.parse errors turned into line/column, and the source
 * ranges of a top-level array's elements (so each element is a message with its own line).
 */

/** 0-based line and column of a character offset. */
export function positionAt(text: string, offset: number): { line: number; column: number } {
  let line = 0;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart };
}

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    /** Character offset in the parsed text. */
    readonly offset: number,
  ) {
    super(message);
  }
}

/** JSON.parse, with the failure's character offset (V8 says "at position N"; the end when it does not). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const match = /position (\d+)/.exec(message);
    // V8 omits the position for "Unexpected token" errors; find it ourselves then.
    const offset = match ? Number(match[1]) : syntaxErrorOffset(text);
    const reason = match
      ? message.replace(/ in JSON at position \d+.*$/, '')
      : `Unexpected ${offset < text.length ? `"${text[offset]}"` : 'end of input'}`;
    if (text.startsWith('//', offset) || text.startsWith('/*', offset)) {
      throw new JsonSyntaxError(
        'Comments are not JSON: remove the // or /* */ comment, or produce from a JSONL file (one message per line), where a line starting with // is a comment.',
        offset,
      );
    }
    throw new JsonSyntaxError(`Malformed JSON: ${reason}`, offset);
  }
}

/** Where one element of a top-level array sits in the text (offsets, end exclusive). */
export interface ElementRange {
  start: number;
  end: number;
}

/**
 * The ranges of a top-level array's elements. Assumes the text parses as an array (call parseJson
 * first): it only has to skip strings and track nesting to find the commas that separate elements.
 */
export function arrayElementRanges(text: string): ElementRange[] {
  const ranges: ElementRange[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  let lastNonSpace = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') {
        i++;
      } else if (c === '"') {
        inString = false;
        lastNonSpace = i;
      }
      continue;
    }
    if (c === ' ' || c === '\n' || c === '\r' || c === '\t') {
      continue;
    }
    if (depth === 1 && start < 0 && c !== ',' && c !== ']') {
      start = i;
    }
    if (c === '"') {
      inString = true;
    } else if (c === '[' || c === '{') {
      depth++;
    } else if (c === ']' || c === '}') {
      if (depth === 1 && start >= 0) {
        ranges.push({ start, end: lastNonSpace + 1 });
        start = -1;
      }
      depth--;
    } else if (c === ',' && depth === 1 && start >= 0) {
      ranges.push({ start, end: lastNonSpace + 1 });
      start = -1;
      continue;
    }
    lastNonSpace = i;
  }
  return ranges;
}

/** Offset of the first JSON syntax error (a small recursive-descent check; the text is known to be invalid). */
export function syntaxErrorOffset(text: string): number {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) {
      i++;
    }
  };
  class Stop extends Error {}
  const fail = (): never => {
    throw new Stop();
  };
  const literal = (word: string): void => {
    for (const ch of word) {
      if (text[i] !== ch) {
        fail();
      }
      i++;
    }
  };
  const str = (): void => {
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text.charCodeAt(i) < 0x20) {
        fail();
      }
      i += text[i] === '\\' ? 2 : 1;
    }
    if (i >= text.length) {
      fail();
    }
    i++;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') {
          fail();
        }
        str();
        ws();
        if (text[i] !== ':') {
          fail();
        }
        i++;
        value();
        ws();
        if (text[i] === ',') {
          i++;
        } else if (text[i] === '}') {
          i++;
          return;
        } else {
          fail();
        }
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ',') {
          i++;
        } else if (text[i] === ']') {
          i++;
          return;
        } else {
          fail();
        }
      }
    } else if (c === '"') {
      str();
    } else if (c === 't') {
      literal('true');
    } else if (c === 'f') {
      literal('false');
    } else if (c === 'n') {
      literal('null');
    } else {
      const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
      if (!m) {
        fail();
      } else {
        i += m[0].length;
      }
    }
  };
  try {
    value();
    ws();
    return i < text.length ? i : text.length;
  } catch (error) {
    if (error instanceof Stop) {
      return Math.min(i, text.length);
    }
    throw error;
  }
}
