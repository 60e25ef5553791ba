/**
 * A byte-level JSON validator for the bulk produce path: decides whether one line is valid JSON
 * (exactly the grammar JSON.parse accepts, RFC 8259) without building strings or objects, and
 * notes what the caller needs to choose between the fast path and the ordinary parser:
 * whether the value is a top-level object that could be an envelope, holds non-ASCII bytes (to
 * check as UTF-8) or a `{{` (a template placeholder).
 *
 * It never produces error messages: a line it refuses goes through the ordinary parser, whose
 * messages (line, column, reason) are the ones users see. So it only has to agree with JSON.parse
 * on which lines are valid; the unit tests compare the two on many valid and invalid lines.
 */

import { ENVELOPE_FIELDS, EXPORT_FIELDS } from './envelope';

/** The line is valid JSON. Without this bit, the other bits mean nothing. */
export const SCAN_VALID = 1;
/** The value is an object whose top-level names could make it an envelope (every name is one of
 * an envelope field (envelope.ts), or a name uses an escape, so its text is not its name). */
export const SCAN_MAYBE_ENVELOPE = 2;
/** Some string holds bytes above 0x7F (the caller checks they are valid UTF-8). */
export const SCAN_NON_ASCII = 4;
/** Some string holds `{{`. */
export const SCAN_TEMPLATE = 8;
/** Nested deeper than this scanner follows: let JSON.parse decide. */
export const SCAN_TOO_DEEP = 16;

const MAX_DEPTH = 256;
const OBJECT = 1;
const ARRAY = 2;
const stack = new Uint8Array(MAX_DEPTH);

/** Character classes inside a string: 0 ordinary, 1 quote, 2 backslash, 3 control, 4 above 0x7F, 5 `{`. */
const STRING_CLASS = (() => {
  const t = new Uint8Array(256);
  for (let c = 0; c < 0x20; c++) {
    t[c] = 3;
  }
  for (let c = 0x80; c < 0x100; c++) {
    t[c] = 4;
  }
  t[0x22] = 1;
  t[0x5c] = 2;
  t[0x7b] = 5;
  return t;
})();

/** 1 for the characters `\u` escapes accept. */
const HEX = (() => {
  const t = new Uint8Array(256);
  for (const c of '0123456789abcdefABCDEF') {
    t[c.charCodeAt(0)] = 1;
  }
  return t;
})();

/** 1 for the characters after a backslash that JSON allows (`"\/bfnrt`; `u` is handled apart). */
const ESCAPE = (() => {
  const t = new Uint8Array(256);
  for (const c of '"\\/bfnrt') {
    t[c.charCodeAt(0)] = 1;
  }
  return t;
})();

// Written by scanString for its caller (no allocation per string).
let stringFlags = 0;
let stringEscaped = false;

/** Scans a string whose opening quote is at i - 1; returns the index after the closing quote, or -1. */
function scanString(b: Uint8Array, i: number, end: number): number {
  for (;;) {
    let k = 0;
    while (i < end && (k = STRING_CLASS[b[i]]) === 0) {
      i++;
    }
    if (i >= end) {
      return -1;
    }
    if (k === 1) {
      return i + 1;
    }
    if (k === 2) {
      const e = b[i + 1];
      stringEscaped = true;
      if (i + 1 >= end) {
        return -1;
      }
      if (e === 0x75) {
        if (i + 5 >= end || !HEX[b[i + 2]] || !HEX[b[i + 3]] || !HEX[b[i + 4]] || !HEX[b[i + 5]]) {
          return -1;
        }
        i += 6;
      } else if (ESCAPE[e]) {
        i += 2;
      } else {
        return -1;
      }
    } else if (k === 3) {
      return -1;
    } else if (k === 4) {
      stringFlags |= SCAN_NON_ASCII;
      i++;
    } else {
      if (i + 1 < end && b[i + 1] === 0x7b) {
        stringFlags |= SCAN_TEMPLATE;
      }
      i++;
    }
  }
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** Scans a number starting at i; returns the index after it, or -1. */
function scanNumber(b: Uint8Array, i: number, end: number): number {
  if (b[i] === 0x2d) {
    i++;
  }
  if (i >= end) {
    return -1;
  }
  if (b[i] === 0x30) {
    i++;
  } else if (b[i] >= 0x31 && b[i] <= 0x39) {
    i++;
    while (i < end && isDigit(b[i])) {
      i++;
    }
  } else {
    return -1;
  }
  if (i < end && b[i] === 0x2e) {
    i++;
    if (i >= end || !isDigit(b[i])) {
      return -1;
    }
    while (i < end && isDigit(b[i])) {
      i++;
    }
  }
  if (i < end && (b[i] === 0x65 || b[i] === 0x45)) {
    i++;
    if (i < end && (b[i] === 0x2b || b[i] === 0x2d)) {
      i++;
    }
    if (i >= end || !isDigit(b[i])) {
      return -1;
    }
    while (i < end && isDigit(b[i])) {
      i++;
    }
  }
  return i;
}

function skipWhitespace(b: Uint8Array, i: number, end: number): number {
  while (i < end) {
    const c = b[i];
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) {
      break;
    }
    i++;
  }
  return i;
}

/** The names an envelope may hold (envelope.ts: ENVELOPE_FIELDS and EXPORT_FIELDS), as bytes, by length. */
const ENVELOPE_NAMES: Map<number, Uint8Array[]> = (() => {
  const byLength = new Map<number, Uint8Array[]>();
  for (const name of [...ENVELOPE_FIELDS, ...EXPORT_FIELDS]) {
    const bytes = new TextEncoder().encode(name);
    byLength.set(bytes.length, [...(byLength.get(bytes.length) ?? []), bytes]);
  }
  return byLength;
})();

/** Whether b[s, e) is one of the envelope field names, written without escapes. */
function isEnvelopeName(b: Uint8Array, s: number, e: number): boolean {
  const candidates = ENVELOPE_NAMES.get(e - s);
  if (!candidates) {
    return false;
  }
  outer: for (const name of candidates) {
    for (let i = 0; i < name.length; i++) {
      if (b[s + i] !== name[i]) {
        continue outer;
      }
    }
    return true;
  }
  return false;
}

/**
 * Validates the JSON text b[start, end) (whitespace around it allowed). Returns 0 when it is not
 * valid JSON (or is nested too deeply to follow: then SCAN_TOO_DEEP alone), else SCAN_VALID with
 * the other flags that apply.
 */
export function scanJson(b: Uint8Array, start: number, end: number): number {
  let i = start;
  let sp = 0;
  stringFlags = 0;
  // Top-level object names: all envelope names so far (no other name seen), or one was escaped.
  let topObject = false;
  let onlyEnvelopeNames = true;
  let sawEscapedName = false;
  for (;;) {
    // A value at i.
    i = skipWhitespace(b, i, end);
    if (i >= end) {
      return 0;
    }
    let c = b[i];
    let openedKey = false;
    if (c === 0x7b) {
      i = skipWhitespace(b, i + 1, end);
      if (i < end && b[i] === 0x7d) {
        i++;
      } else {
        if (sp >= MAX_DEPTH) {
          return SCAN_TOO_DEEP;
        }
        if (sp === 0) {
          topObject = true;
        }
        stack[sp++] = OBJECT;
        openedKey = true;
      }
    } else if (c === 0x5b) {
      if (sp >= MAX_DEPTH) {
        return SCAN_TOO_DEEP;
      }
      stack[sp++] = ARRAY;
      i = skipWhitespace(b, i + 1, end);
      if (i < end && b[i] === 0x5d) {
        i++;
        sp--;
      } else {
        continue;
      }
    } else if (c === 0x22) {
      i = scanString(b, i + 1, end);
      if (i < 0) {
        return 0;
      }
    } else if (c === 0x2d || isDigit(c)) {
      i = scanNumber(b, i, end);
      if (i < 0) {
        return 0;
      }
    } else if (c === 0x74) {
      if (i + 3 >= end || b[i + 1] !== 0x72 || b[i + 2] !== 0x75 || b[i + 3] !== 0x65) {
        return 0;
      }
      i += 4;
    } else if (c === 0x66) {
      if (i + 4 >= end || b[i + 1] !== 0x61 || b[i + 2] !== 0x6c || b[i + 3] !== 0x73 || b[i + 4] !== 0x65) {
        return 0;
      }
      i += 5;
    } else if (c === 0x6e) {
      if (i + 3 >= end || b[i + 1] !== 0x75 || b[i + 2] !== 0x6c || b[i + 3] !== 0x6c) {
        return 0;
      }
      i += 4;
    } else {
      return 0;
    }
    // After a value (or at an object's first name): separators and closing brackets.
    for (;;) {
      if (!openedKey) {
        i = skipWhitespace(b, i, end);
        if (sp === 0) {
          if (i !== end) {
            return 0;
          }
          let flags = SCAN_VALID | stringFlags;
          if (topObject && (sawEscapedName || onlyEnvelopeNames)) {
            flags |= SCAN_MAYBE_ENVELOPE;
          }
          return flags;
        }
        if (i >= end) {
          return 0;
        }
        c = b[i];
        const top = stack[sp - 1];
        if (c === 0x2c) {
          i++;
          if (top === ARRAY) {
            break;
          }
        } else if ((top === OBJECT && c === 0x7d) || (top === ARRAY && c === 0x5d)) {
          i++;
          sp--;
          continue;
        } else {
          return 0;
        }
      }
      openedKey = false;
      // A name, a colon, then the value.
      i = skipWhitespace(b, i, end);
      if (i >= end || b[i] !== 0x22) {
        return 0;
      }
      const nameStart = i + 1;
      stringEscaped = false;
      i = scanString(b, nameStart, end);
      if (i < 0) {
        return 0;
      }
      if (sp === 1 && topObject) {
        if (stringEscaped) {
          sawEscapedName = true;
        } else if (onlyEnvelopeNames && !isEnvelopeName(b, nameStart, i - 1)) {
          onlyEnvelopeNames = false;
        }
      }
      i = skipWhitespace(b, i, end);
      if (i >= end || b[i] !== 0x3a) {
        return 0;
      }
      i++;
      break;
    }
  }
}
