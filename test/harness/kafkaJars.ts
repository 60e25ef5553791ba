import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Written last into a libs dir; its presence means the download finished. */
const COMPLETE_MARKER = '.complete';
/** Kafka 3.x ships reload4j in its distribution, but the Maven pom brings no slf4j binding. */
const RELOAD4J_VERSION = '1.2.25';
const DEPENDENCY_PLUGIN_VERSION = '3.8.1';

/**
 * Finds the repository root by walking up from this file to the first folder with a
 * package.json, so the cache location is the same whether run from src (ts-node) or out/.
 */
export function repoRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) {
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error(`no package.json above ${__dirname}`);
    }
    dir = parent;
  }
}

/** Where the jars of one Kafka version are cached (git-ignored `.cache/`). */
export function kafkaCacheDir(version: string): string {
  return path.join(repoRoot(), '.cache', 'kafka', version);
}

function pomXml(dependencies: { groupId: string; artifactId: string; version: string }[]): string {
  const deps = dependencies
    .map(
      (d) =>
        `    <dependency><groupId>${d.groupId}</groupId><artifactId>${d.artifactId}</artifactId>` +
        `<version>${d.version}</version></dependency>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.harness</groupId>
  <artifactId>kafka-classpath</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
${deps}
  </dependencies>
  <build><plugins><plugin>
    <groupId>org.apache.maven.plugins</groupId>
    <artifactId>maven-dependency-plugin</artifactId>
    <version>${DEPENDENCY_PLUGIN_VERSION}</version>
  </plugin></plugins></build>
</project>
`;
}

function runMaven(args: string[], cwd: string, log: (line: string) => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const child = spawn('mvn', ['-q', '-B', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer): void => {
      output += chunk.toString();
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', (err) => reject(new Error(`cannot run mvn: ${err.message}`)));
    child.once('close', (code) => {
      if (code === 0) {
        resolve();
      } else {
        output
          .split('\n')
          .filter(Boolean)
          .forEach((l) => log(`[mvn] ${l}`));
        reject(new Error(`mvn ${args.join(' ')} exited with ${String(code)}:\n${output.slice(-4000)}`));
      }
    });
  });
}

/** Version embedded in the one jar named `<artifact>-<version>.jar`, if present. */
function jarVersion(files: string[], artifact: string): string | undefined {
  const re = new RegExp(`^${artifact}-(\\d[^/]*)\\.jar$`);
  for (const f of files) {
    const m = re.exec(f);
    if (m) {
      return m[1];
    }
  }
  return undefined;
}

/** Deletes work dirs of fetches whose process died (SIGKILL leaves no chance to clean up). */
function removeAbandonedWorkDirs(cacheDir: string): void {
  for (const name of fs.readdirSync(cacheDir)) {
    const m = /^tmp-(\d+)-/.exec(name);
    if (!m) {
      continue;
    }
    try {
      process.kill(Number(m[1]), 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ESRCH') {
        fs.rmSync(path.join(cacheDir, name), { recursive: true, force: true });
      }
    }
  }
}

/**
 * Downloads `org.apache.kafka:kafka_2.13:<version>` with its runtime dependencies and a
 * logging binding into `.cache/kafka/<version>/libs`, and returns that folder.
 *
 * Idempotent and safe to interrupt or run concurrently: everything is built in a private
 * temp folder that is renamed into place only once complete.
 */
export async function ensureKafkaJars(version: string, log: (line: string) => void = () => undefined): Promise<string> {
  const cacheDir = kafkaCacheDir(version);
  const libsDir = path.join(cacheDir, 'libs');
  if (fs.existsSync(path.join(libsDir, COMPLETE_MARKER))) {
    return libsDir;
  }
  fs.mkdirSync(cacheDir, { recursive: true });
  removeAbandonedWorkDirs(cacheDir);
  const work = fs.mkdtempSync(path.join(cacheDir, `tmp-${process.pid}-`));
  try {
    const stage = path.join(work, 'libs');
    const started = Date.now();
    log(`fetching kafka_2.13:${version} from Maven Central`);
    fs.writeFileSync(
      path.join(work, 'pom.xml'),
      pomXml([{ groupId: 'org.apache.kafka', artifactId: 'kafka_2.13', version }]),
    );
    await runMaven(['dependency:copy-dependencies', `-DoutputDirectory=${stage}`, '-DincludeScope=runtime'], work, log);

    // The broker pom brings only slf4j-api, so without a binding it would log nothing.
    // Kafka 4.x depends on log4j2 itself; Kafka 3.x's distribution uses reload4j.
    const files = fs.readdirSync(stage);
    const log4j2 = jarVersion(files, 'log4j-core');
    const slf4j = jarVersion(files, 'slf4j-api');
    if (!slf4j) {
      throw new Error(`kafka_2.13:${version} did not bring slf4j-api; cannot pick a logging binding`);
    }
    const binding = log4j2
      ? slf4j.startsWith('1.')
        ? [{ groupId: 'org.apache.logging.log4j', artifactId: 'log4j-slf4j-impl', version: log4j2 }]
        : [{ groupId: 'org.apache.logging.log4j', artifactId: 'log4j-slf4j2-impl', version: log4j2 }]
      : [
          { groupId: 'org.slf4j', artifactId: 'slf4j-reload4j', version: slf4j },
          { groupId: 'ch.qos.reload4j', artifactId: 'reload4j', version: RELOAD4J_VERSION },
        ];
    fs.mkdirSync(path.join(work, 'binding'));
    fs.writeFileSync(path.join(work, 'binding', 'pom.xml'), pomXml(binding));
    // excludeTransitive: the bindings depend on older slf4j-api/log4j-api jars that would
    // otherwise land next to Kafka's and put two copies of the same classes on the classpath.
    await runMaven(
      ['dependency:copy-dependencies', `-DoutputDirectory=${stage}`, '-DexcludeTransitive=true'],
      path.join(work, 'binding'),
      log,
    );
    fs.writeFileSync(path.join(stage, COMPLETE_MARKER), `${new Date().toISOString()}\n`);

    try {
      fs.renameSync(stage, libsDir);
    } catch (err) {
      // Another process finished first; its copy is as good as ours.
      if (!fs.existsSync(path.join(libsDir, COMPLETE_MARKER))) {
        // A leftover libs dir without marker cannot come from us (we rename whole dirs),
        // but be robust to manual tampering: replace it.
        fs.rmSync(libsDir, { recursive: true, force: true });
        fs.renameSync(stage, libsDir);
      } else {
        log(`libs already present (${(err as Error).message})`);
      }
    }
    log(`kafka ${version} jars ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${libsDir}`);
    return libsDir;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** A random id the storage tool accepts (16 bytes, base64url) that cannot look like an option. */
export function randomClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (/^[A-Za-z0-9]/.test(id)) {
      return id;
    }
  }
}
