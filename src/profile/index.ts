export { buildProfile, DEFAULT_SETTINGS, shardSeed, type BuildOptions, type OutputRoles, type ProfileSettings } from './build.js';
export { mergeProfiles } from './merge.js';
export { histogramEdges } from './edges.js';
export { mergeCommand, profileCommand, readProfile, shardsCommand, MERGE_HELP, PROFILE_HELP, SHARDS_HELP } from './command.js';
