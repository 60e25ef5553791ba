/**
 * The YAML that beanstalkd writes for stats and tube lists: a document of flat `key: value` lines,
 * or of `- item` lines. Values keep their text; a double-quoted value is unquoted (beanstalkd
 * quotes version, hostname, os and platform, with JSON-style escapes).
 */

function scalar(text: string): string {
  const value = text.trim();
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    try {
      return JSON.parse(value) as string;
    } catch {
      return value.slice(1, -1);
    }
  }
  return value;
}

/** `key: value` lines as a record; the document marker `---` and blank lines are skipped. */
export function parseYamlMap(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    if (line === '---' || line.trim() === '') {
      continue;
    }
    const colon = line.indexOf(':');
    if (colon < 0) {
      throw new Error(`Unexpected line in beanstalkd's stats: "${line}"`);
    }
    result[line.slice(0, colon).trim()] = scalar(line.slice(colon + 1));
  }
  return result;
}

/** `- item` lines as a list. */
export function parseYamlList(text: string): string[] {
  const result: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line === '---' || line.trim() === '') {
      continue;
    }
    if (!line.startsWith('- ')) {
      throw new Error(`Unexpected line in beanstalkd's list: "${line}"`);
    }
    result.push(scalar(line.slice(2)));
  }
  return result;
}
