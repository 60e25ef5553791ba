export * from './base';
export * from './clusterNodes';
export * from './groupNodes';
export * from './topicNodes';
