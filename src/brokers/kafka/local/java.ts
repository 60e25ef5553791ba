import * as path from 'node:path';
import { type ProcessRunner, runProcess } from '../../../core/process';

/** The oldest Java that Kafka 3.9 brokers and 4.x both run on. */
export const MIN_JAVA_MAJOR = 17;

export interface JavaInstallation {
  /** The `java` executable to run. */
  executable: string;
  major: number;
  /** The version string as `java -version` printed it. */
  version: string;
}

/** Java is missing or too old; the message says what to install. */
export class JavaUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JavaUnavailableError';
  }
}

/** Reads the major version from `java -version` output (`"17.0.15"` → 17, `"1.8.0_392"` → 8). */
export function parseJavaVersion(output: string): { major: number; version: string } | undefined {
  const match = /version "([^"]+)"/.exec(output);
  if (!match) {
    return undefined;
  }
  const version = match[1];
  const [first, second] = version.split(/[.+_-]/).map((part) => Number.parseInt(part, 10));
  const major = first === 1 && second !== undefined ? second : first;
  return Number.isFinite(major) ? { major, version } : undefined;
}

const INSTALL_HINT =
  `Install a Java ${MIN_JAVA_MAJOR} or newer runtime (for example "sudo apt-get install openjdk-17-jre-headless", ` +
  '"brew install openjdk@17", or Eclipse Temurin from adoptium.net), or set mqExplorer.localKafka.javaHome.';

/**
 * Finds a Java runtime that can run Kafka: `javaHome/bin/java` when given, else `$JAVA_HOME/bin/java`,
 * else `java` on PATH. Throws JavaUnavailableError naming what to install.
 */
export async function detectJava(javaHome?: string, run: ProcessRunner = runProcess): Promise<JavaInstallation> {
  const home = javaHome || process.env.JAVA_HOME;
  const executable = home ? path.join(home, 'bin', 'java') : 'java';
  const result = await run(executable, ['-version'], 15_000);
  if (result.code !== 0) {
    throw new JavaUnavailableError(`Java was not found (${executable} -version failed). ${INSTALL_HINT}`);
  }
  // java -version prints to stderr.
  const parsed = parseJavaVersion(`${result.stderr}\n${result.stdout}`);
  if (!parsed) {
    throw new JavaUnavailableError(`Could not read the Java version from "${executable} -version". ${INSTALL_HINT}`);
  }
  if (parsed.major < MIN_JAVA_MAJOR) {
    throw new JavaUnavailableError(`Java ${parsed.version} is too old for Kafka. ${INSTALL_HINT}`);
  }
  return { executable, ...parsed };
}
