export { createRosterSyncService, rosterSyncServiceVersion, type RosterSyncService, type RosterSyncServiceDeps } from './service.ts';
export { rosterSyncConfigSchema, type RosterSyncConfig } from './config.ts';
export { httpRosterSource, type ExternalRosterSource, type HttpRosterSourceOptions } from './external/http-roster-source.ts';
