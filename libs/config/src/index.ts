export { loadConfig, ConfigError } from './load.ts';
export { commonEnv, booleanFromEnv, cacheMegabytes } from './common.ts';
