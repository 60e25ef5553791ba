import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { type KafkaManifest, jarName, repositoryPath } from '../../src/brokers/kafka/local/manifest';

export interface MavenMirrorOptions {
  /** Folder holding the jars (the harness cache `.cache/kafka/<version>/libs`). */
  libsDir: string;
  manifest: KafkaManifest;
}

/**
 * A tiny HTTP server laid out like a Maven repository, serving already downloaded jars with their
 * .sha1 (computed from the files) and honouring Range requests. Tests use it instead of Maven
 * Central and can make it misbehave: corrupt one jar, or cut one jar's first response short.
 */
export class MavenMirror {
  /** Every request path, in order (`GET <path> [range]`). */
  readonly requests: string[] = [];
  /** Repository paths whose bytes are served altered (one byte flipped) while the .sha1 stays right. */
  readonly corrupt = new Set<string>();
  /** Repository paths whose next response closes the connection halfway through the body. */
  readonly cutShort = new Set<string>();
  private readonly files = new Map<string, string>();

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(options: MavenMirrorOptions): Promise<MavenMirror> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const mirror = new MavenMirror(server, `http://127.0.0.1:${port}/maven2`);
    for (const artifact of options.manifest.artifacts) {
      mirror.files.set(`/maven2/${repositoryPath(artifact)}`, path.join(options.libsDir, jarName(artifact)));
    }
    server.on('request', (req, res) => mirror.handle(req, res));
    return mirror;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const urlPath = (req.url ?? '').split('?')[0];
    const range = req.headers.range;
    this.requests.push(`GET ${urlPath}${range ? ` ${range}` : ''}`);
    const isSha1 = urlPath.endsWith('.sha1');
    const file = this.files.get(isSha1 ? urlPath.slice(0, -5) : urlPath);
    if (!file || !fs.existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    const repoPath = urlPath.replace(/^\/maven2\//, '');
    let bytes = fs.readFileSync(file);
    if (isSha1) {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(createHash('sha1').update(bytes).digest('hex'));
      return;
    }
    if (this.corrupt.has(repoPath)) {
      bytes = Buffer.from(bytes);
      bytes[bytes.length >> 1] ^= 0xff;
    }
    const match = range ? /^bytes=(\d+)-$/.exec(range) : null;
    const start = match ? Number(match[1]) : 0;
    if (start >= bytes.length && match) {
      res.writeHead(416, { 'content-range': `bytes */${bytes.length}` }).end();
      return;
    }
    const body = bytes.subarray(start);
    res.writeHead(match ? 206 : 200, {
      'content-length': String(body.length),
      'accept-ranges': 'bytes',
      ...(match ? { 'content-range': `bytes ${start}-${bytes.length - 1}/${bytes.length}` } : {}),
    });
    if (this.cutShort.delete(repoPath)) {
      // Send half, then drop the connection: the client sees an interrupted download.
      res.write(body.subarray(0, body.length >> 1), () => res.destroy());
      return;
    }
    res.end(body);
  }
}
