/**
 * The exact Maven artifacts a local broker needs, per supported Kafka version. The extension
 * cannot run Maven, so scripts/kafka-manifest.ts resolves them once and commits the result as
 * data (manifests/kafka-<version>.json); the downloader fetches exactly these files.
 */
import kafka392 from './manifests/kafka-3.9.2.json';
import kafka440 from './manifests/kafka-4.4.0.json';

/** One jar in a Maven repository. */
export interface MavenArtifact {
  groupId: string;
  artifactId: string;
  version: string;
  /** SHA-1 the artifact had when the manifest was generated (Maven Central's published value). */
  sha1: string;
  /** Size in bytes, for progress. */
  size: number;
}

export interface KafkaManifest {
  kafkaVersion: string;
  scalaVersion: string;
  artifacts: MavenArtifact[];
}

const MANIFESTS: readonly KafkaManifest[] = [kafka392, kafka440];

/** Kafka versions the extension can run without Docker, oldest first. */
export const SUPPORTED_LOCAL_KAFKA_VERSIONS: readonly string[] = MANIFESTS.map((m) => m.kafkaVersion);
export const DEFAULT_LOCAL_KAFKA_VERSION = '3.9.2';

/** The manifest of one version; throws naming the supported ones. */
export function manifestFor(version: string): KafkaManifest {
  const found = MANIFESTS.find((m) => m.kafkaVersion === version);
  if (!found) {
    throw new Error(
      `Kafka ${version} cannot run without Docker; supported versions: ${SUPPORTED_LOCAL_KAFKA_VERSIONS.join(', ')}.`,
    );
  }
  return found;
}

/** File name of an artifact's jar, as Maven lays it out. */
export function jarName(artifact: MavenArtifact): string {
  return `${artifact.artifactId}-${artifact.version}.jar`;
}

/** Path of an artifact's jar below a repository root (`org/apache/kafka/kafka_2.13/3.9.2/kafka_2.13-3.9.2.jar`). */
export function repositoryPath(artifact: MavenArtifact): string {
  return [...artifact.groupId.split('.'), artifact.artifactId, artifact.version, jarName(artifact)].join('/');
}

/** Whether the jars are log4j2 (Kafka 4.x) or reload4j (Kafka 3.x); decides the logging config format. */
export function usesLog4j2(manifest: KafkaManifest): boolean {
  return manifest.artifacts.some((a) => a.artifactId === 'log4j-core');
}
