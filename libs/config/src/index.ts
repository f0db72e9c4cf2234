export { loadConfig, ConfigError } from './load.ts';
export { commonEnv, booleanFromEnv } from './common.ts';
