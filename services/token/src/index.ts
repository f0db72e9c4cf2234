export { createTokenService, tokenServiceVersion, type TokenService, type TokenServiceDeps } from './service.ts';
export { tokenConfigSchema, type TokenConfig } from './config.ts';
export { AccountExistsError, AccountNotFoundError } from './account/decide.ts';
export { GrantNotFoundError } from './grant/decide.ts';
export { FastCredentialsExpiredError, FastNotAuthorizedError, type FastFailureReason } from './fast/errors.ts';
export type { GrantListing } from '@gatehouse/events';
