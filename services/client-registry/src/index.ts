export { createClientRegistryService, clientRegistryVersion, type ClientRegistryService, type ClientRegistryServiceDeps } from './service.ts';
export { clientRegistryConfigSchema, type ClientRegistryConfig } from './config.ts';
export { ClientNotFoundError } from './client/decide.ts';
export { AccountNotFoundError, PasswordResetRequiredError } from './errors.ts';
export type { RevokeRequest } from './revoke/revoke.ts';
