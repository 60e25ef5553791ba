/**
 * Generates src/brokers/kafka/local/manifests/kafka-<version>.json: the exact Maven artifacts (with their
 * SHA-1 and size) that the extension downloads to run a broker without Docker or Maven.
 *
 * Usage: `npx tsc -p . && node out/scripts/kafka-manifest.js [version...]` (default: 3.9.2 4.4.0).
 * It reuses the test harness, which resolves kafka_2.13 and a logging binding with Maven into
 * .cache/kafka/<version>/libs; each jar is then located in the local Maven repository (~/.m2) to
 * recover its group id, and its published .sha1 is read from there.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureKafkaJars, repoRoot } from '../test/harness/kafkaJars';
import type { KafkaManifest, MavenArtifact } from '../src/brokers/kafka/local/manifest';

/** Maps a jar file name to where it sits in the local Maven repository. */
function indexLocalRepository(root: string): Map<string, string> {
  const index = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(full);
      } else if (entry.name.endsWith('.jar')) {
        index.set(entry.name, full);
      }
    }
  };
  walk(root);
  return index;
}

function artifactOf(repo: string, jarPath: string): MavenArtifact {
  // <repo>/<group path>/<artifact>/<version>/<artifact>-<version>.jar
  const parts = path.relative(repo, jarPath).split(path.sep);
  const version = parts[parts.length - 2];
  const artifactId = parts[parts.length - 3];
  const groupId = parts.slice(0, -3).join('.');
  const bytes = fs.readFileSync(jarPath);
  const sha1 = createHash('sha1').update(bytes).digest('hex');
  const published = fs.existsSync(`${jarPath}.sha1`) ? fs.readFileSync(`${jarPath}.sha1`, 'utf8').trim().split(/\s+/)[0] : undefined;
  if (published && published.toLowerCase() !== sha1) {
    throw new Error(`${jarPath} does not match its published .sha1`);
  }
  return { groupId, artifactId, version, sha1, size: bytes.length };
}

async function main(versions: string[]): Promise<void> {
  const repo = path.join(os.homedir(), '.m2', 'repository');
  const index = indexLocalRepository(repo);
  for (const version of versions) {
    const libs = await ensureKafkaJars(version, (line) => process.stdout.write(`${line}\n`));
    const artifacts = fs
      .readdirSync(libs)
      .filter((name) => name.endsWith('.jar'))
      .sort()
      .map((name) => {
        const found = index.get(name);
        if (!found) {
          throw new Error(`${name} is not in ${repo}; run the harness once so Maven downloads it`);
        }
        return artifactOf(repo, found);
      });
    const manifest: KafkaManifest = { kafkaVersion: version, scalaVersion: '2.13', artifacts };
    const out = path.join(repoRoot(), 'src', 'brokers', 'kafka', 'local', 'manifests', `kafka-${version}.json`);
    fs.writeFileSync(out, `${JSON.stringify(manifest, null, 2)}\n`);
    process.stdout.write(`${out}: ${artifacts.length} artifacts\n`);
  }
}

main(process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['3.9.2', '4.4.0']).catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
