export { createTokenService, tokenServiceVersion, type TokenService, type TokenServiceDeps } from './service.ts';
export { tokenConfigSchema, type TokenConfig } from './config.ts';
export { AccountExistsError, AccountNotFoundError } from './account/decide.ts';
