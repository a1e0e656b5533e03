export { API_KEY_ENTRIES, ApiKeyGuard, AuthenticatedRequest, Principal, presentedKey } from './api-key.guard';
export { ApiKeyEntry, generateApiKey, parseApiKeys, verifyApiKey } from './api-keys';
export { Public, RequireRole, Role, ROLES, roleIncludes } from './roles';
export { SecurityModule } from './security.module';
