import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as path from 'node:path';
import { type KafkaManifest, type MavenArtifact, jarName, repositoryPath } from './manifest';

/** Maven Central; a setting (mqExplorer.localKafka.mavenRepository) may point elsewhere (a mirror, a test server). */
export const MAVEN_CENTRAL = 'https://repo1.maven.org/maven2';

/** Written beside a jar once its checksum matched: its presence is what "cached" means. */
export const VERIFIED_SUFFIX = '.verified';
/** Bytes received so far; kept after a failure so the next attempt resumes with a Range request. */
export const PART_SUFFIX = '.part';

const REQUEST_TIMEOUT_MS = 30_000;
const MAX_REDIRECTS = 5;

export interface DownloadProgress {
  /** Bytes of the whole manifest already on disk (verified or partial). */
  doneBytes: number;
  totalBytes: number;
  /** The artifact being fetched, `group:artifact:version`. */
  current: string;
}

export interface DownloadOptions {
  repositoryUrl?: string;
  onProgress?: (progress: DownloadProgress) => void;
  log?: (line: string) => void;
  signal?: AbortSignal;
}

/** A file's bytes did not match the published checksum; the file was deleted. */
export class ChecksumMismatchError extends Error {
  constructor(
    readonly url: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`The download of ${url} is corrupt (SHA-1 ${actual}, expected ${expected}); it was deleted. Try again.`);
    this.name = 'ChecksumMismatchError';
  }
}

/** `group:artifact:version`, for messages. */
export function coordinates(artifact: MavenArtifact): string {
  return `${artifact.groupId}:${artifact.artifactId}:${artifact.version}`;
}

/** Whether every jar of the manifest is already downloaded and verified in `libsDir`. */
export function isComplete(manifest: KafkaManifest, libsDir: string): boolean {
  return manifest.artifacts.every((a) => fs.existsSync(path.join(libsDir, jarName(a) + VERIFIED_SUFFIX)));
}

/**
 * Downloads every jar of the manifest into `libsDir`, verifying each against the repository's
 * published `.sha1` (and the SHA-1 the manifest recorded). Verified jars are kept and skipped next
 * time; an interrupted download resumes from its `.part` file; a corrupt one is deleted and reported.
 */
export async function downloadKafka(manifest: KafkaManifest, libsDir: string, options: DownloadOptions = {}): Promise<void> {
  const base = (options.repositoryUrl ?? MAVEN_CENTRAL).replace(/\/+$/, '');
  const log = options.log ?? (() => undefined);
  fs.mkdirSync(libsDir, { recursive: true });
  const totalBytes = manifest.artifacts.reduce((sum, a) => sum + a.size, 0);
  let doneBytes = 0;
  for (const artifact of manifest.artifacts) {
    options.signal?.throwIfAborted();
    const target = path.join(libsDir, jarName(artifact));
    if (fs.existsSync(target + VERIFIED_SUFFIX) && fs.existsSync(target)) {
      doneBytes += artifact.size;
      continue;
    }
    const url = `${base}/${repositoryPath(artifact)}`;
    const before = doneBytes;
    const report = (fileBytes: number): void =>
      options.onProgress?.({ doneBytes: before + fileBytes, totalBytes, current: coordinates(artifact) });
    await fetchVerified(url, artifact, target, report, log, options.signal);
    doneBytes = before + artifact.size;
    report(artifact.size);
  }
}

async function fetchVerified(
  url: string,
  artifact: MavenArtifact,
  target: string,
  report: (bytes: number) => void,
  log: (line: string) => void,
  signal: AbortSignal | undefined,
): Promise<void> {
  const part = target + PART_SUFFIX;
  const published = (await fetchText(`${url}.sha1`, signal)).trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  if (!/^[0-9a-f]{40}$/.test(published)) {
    throw new Error(`${url}.sha1 does not hold a SHA-1 checksum.`);
  }
  if (published !== artifact.sha1.toLowerCase()) {
    throw new Error(`${url}.sha1 says ${published} but this extension expects ${artifact.sha1}; the repository serves a different file.`);
  }
  const offset = fs.existsSync(part) ? fs.statSync(part).size : 0;
  if (offset > 0) {
    log(`resuming ${path.basename(target)} at byte ${offset}`);
  }
  await fetchToFile(url, part, offset, report, signal);
  const actual = await sha1Of(part);
  if (actual !== published) {
    fs.rmSync(part, { force: true });
    throw new ChecksumMismatchError(url, published, actual);
  }
  fs.renameSync(part, target);
  fs.writeFileSync(target + VERIFIED_SUFFIX, `${published}\n`);
  log(`downloaded ${coordinates(artifact)} (${artifact.size} bytes, SHA-1 verified)`);
}

function sha1Of(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha1');
    fs.createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** GET with redirects and a time limit; resolves with the response once its status is final. */
function request(url: string, headers: Record<string, string>, signal: AbortSignal | undefined, redirects = 0): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const client = url.startsWith('https:') ? https : http;
    const req = client.get(url, { headers, timeout: REQUEST_TIMEOUT_MS, signal }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        if (redirects >= MAX_REDIRECTS) {
          reject(new Error(`Too many redirects for ${url}.`));
          return;
        }
        resolve(request(new URL(res.headers.location, url).toString(), headers, signal, redirects + 1));
        return;
      }
      resolve(res);
    });
    req.on('timeout', () => req.destroy(new Error(`No answer from ${url} within ${REQUEST_TIMEOUT_MS / 1000} s.`)));
    req.on('error', (err) => reject(new Error(`Cannot download ${url}: ${err.message}`)));
  });
}

async function fetchText(url: string, signal: AbortSignal | undefined): Promise<string> {
  const res = await request(url, {}, signal);
  if (res.statusCode !== 200) {
    res.resume();
    throw new Error(`Cannot download ${url}: HTTP ${String(res.statusCode)}.`);
  }
  res.setEncoding('utf8');
  let text = '';
  for await (const chunk of res) {
    text += chunk as string;
  }
  return text;
}

/** Appends the body to `part` from `offset` (Range request); starts over if the server ignores the range. */
async function fetchToFile(
  url: string,
  part: string,
  offset: number,
  report: (bytes: number) => void,
  signal: AbortSignal | undefined,
): Promise<void> {
  const res = await request(url, offset > 0 ? { Range: `bytes=${offset}-` } : {}, signal);
  const status = res.statusCode ?? 0;
  if (status === 416) {
    // The part file already holds every byte (or more): let the checksum decide.
    res.resume();
    return;
  }
  if (status !== 200 && status !== 206) {
    res.resume();
    throw new Error(`Cannot download ${url}: HTTP ${status}.`);
  }
  const append = status === 206;
  let received = append ? offset : 0;
  const out = fs.createWriteStream(part, { flags: append ? 'a' : 'w' });
  // Every received byte is flushed before we return or throw, so the .part size is exact for a resume.
  const closed = new Promise<void>((resolve) => out.once('close', resolve));
  let failure: Error | undefined;
  res.on('data', (chunk: Buffer) => {
    received += chunk.length;
    report(received);
  });
  res.on('error', () => (failure ??= new Error(`The download of ${url} was interrupted; it resumes on the next try.`)));
  res.on('close', () => {
    if (!res.complete) {
      failure ??= new Error(`The download of ${url} was interrupted; it resumes on the next try.`);
    }
    res.unpipe(out);
    out.end();
  });
  out.on('error', (err) => (failure ??= err));
  res.pipe(out, { end: false });
  await closed;
  if (failure) {
    throw failure;
  }
  const expected = Number(res.headers['content-length'] ?? NaN);
  if (Number.isFinite(expected) && received - (append ? offset : 0) < expected) {
    throw new Error(`The download of ${url} was interrupted; it resumes on the next try.`);
  }
}
