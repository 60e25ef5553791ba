/**
 * Parses a user's "host:port, host:port" list. Returns the normalized entries, or a sentence
 * saying what is wrong with which entry.
 */
export function parseBootstrapServers(input: string): { servers: string[] } | { error: string } {
  const entries = input
    .split(/[,\s]+/)
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  if (entries.length === 0) {
    return { error: 'Enter at least one bootstrap server as host:port, for example localhost:9092.' };
  }
  const servers: string[] = [];
  for (const raw of entries) {
    const entry = raw.replace(/^[a-z0-9+]+:\/\//i, '');
    const match = /^(\[[0-9a-f:.]+\]|[^:\s/]+):(\d+)$/i.exec(entry);
    if (!match) {
      return { error: `"${raw}" is not host:port (for example localhost:9092).` };
    }
    const port = Number(match[2]);
    if (port < 1 || port > 65535) {
      return { error: `"${raw}" has port ${port}; a port is between 1 and 65535.` };
    }
    servers.push(`${match[1]}:${port}`);
  }
  return { servers: [...new Set(servers)] };
}
