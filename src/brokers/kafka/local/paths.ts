import * as path from 'node:path';

/**
 * Where the no-Docker broker keeps things below the extension's storage folder: jars per Kafka
 * version (shared by every start, downloaded once), and config + data per version (a 3.x data
 * folder is not meant to be opened by 4.x).
 */
export function localKafkaPaths(storageDir: string, kafkaVersion: string): { libsDir: string; workDir: string } {
  return {
    libsDir: path.join(storageDir, 'kafka', kafkaVersion, 'libs'),
    workDir: path.join(storageDir, 'kafka', kafkaVersion, 'broker'),
  };
}
