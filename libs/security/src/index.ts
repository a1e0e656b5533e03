export { ACCESS_MODE, AccessMode } from './access-mode';
export { API_KEY_ENTRIES, ApiKeyGuard, AuthenticatedRequest } from './api-key.guard';
export { ApiKeyEntry, generateApiKey, parseApiKeys, verifyApiKey } from './api-keys';
export { BodyGate } from './body-gate';
export { Principal, presentedKey } from './authentication';
export { Public, RequireRole, Role, ROLES, roleIncludes } from './roles';
export { AUTH_FAILURE_REASONS, AuthFailureReason } from './security-metrics';
export { SecurityModule } from './security.module';
