/**
 * JSON source text kept as written: compacting it and finding an object member's text without
 * parsing, so numbers beyond 2^53, `1.0` and escapes reach Kafka exactly as the user wrote them
 * (JSON.parse + JSON.stringify would rewrite them). Pure; shared by produce and the tail panel.
 */

function isJsonSpace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r';
}

/** The end (exclusive) of the JSON string token starting at `i` (its opening quote). */
export function endOfString(text: string, i: number): number {
  let j = i + 1;
  while (j < text.length && text[j] !== '"') {
    j += text[j] === '\\' ? 2 : 1;
  }
  return j + 1;
}

/**
 * Valid JSON text on one line: whitespace outside strings removed, nothing parsed, so numbers
 * beyond 2^53 and escapes stay exactly as sent. Call it only on text that parses (parseJsonValue).
 */
export function compactJson(text: string): string {
  const parts: string[] = [];
  let from = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const ch = text[i];
    if (ch === '"') {
      i = endOfString(text, i);
    } else if (isJsonSpace(ch)) {
      parts.push(text.slice(from, i));
      while (i < n && isJsonSpace(text[i])) {
        i++;
      }
      from = i;
    } else {
      i++;
    }
  }
  parts.push(text.slice(from));
  return parts.join('');
}


/** The end (exclusive) of the JSON value starting at `i` (after any whitespace), in valid JSON text. */
function endOfValue(text: string, i: number): number {
  const n = text.length;
  const first = text[i];
  if (first === '"') {
    return endOfString(text, i);
  }
  if (first === '{' || first === '[') {
    let depth = 0;
    let j = i;
    while (j < n) {
      const ch = text[j];
      if (ch === '"') {
        j = endOfValue(text, j);
        continue;
      }
      if (ch === '{' || ch === '[') {
        depth++;
      } else if (ch === '}' || ch === ']') {
        depth--;
        if (depth === 0) {
          return j + 1;
        }
      }
      j++;
    }
    return n;
  }
  let j = i;
  while (j < n && !isJsonSpace(text[j]) && text[j] !== ',' && text[j] !== '}' && text[j] !== ']') {
    j++;
  }
  return j;
}

/**
 * The source text of a top-level object member's value (the last one of that name, as JSON.parse
 * keeps it), or undefined when the text is no object or has no such member. Call it only on text
 * that parses.
 */
export function memberText(objectText: string, name: string): string | undefined {
  const n = objectText.length;
  let i = 0;
  const skipSpace = () => {
    while (i < n && isJsonSpace(objectText[i])) {
      i++;
    }
  };
  skipSpace();
  if (objectText[i] !== '{') {
    return undefined;
  }
  i++;
  let found: string | undefined;
  for (;;) {
    skipSpace();
    if (objectText[i] !== '"') {
      return found;
    }
    const keyEnd = endOfValue(objectText, i);
    const key = JSON.parse(objectText.slice(i, keyEnd)) as string;
    i = keyEnd;
    skipSpace();
    i++; // ':'
    skipSpace();
    const valueEnd = endOfValue(objectText, i);
    if (key === name) {
      found = objectText.slice(i, valueEnd);
    }
    i = valueEnd;
    skipSpace();
    if (objectText[i] !== ',') {
      return found;
    }
    i++;
  }
}
