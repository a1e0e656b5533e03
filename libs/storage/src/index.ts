export { MemoryStore, RetentionLimits } from './memory-store';
export { RedisOperationRunner, RedisStore } from './redis-store';
export { REDIS_OPERATION_RUNNER, REDIS_STORE_DECORATOR, RedisStoreDecorator, StorageModule } from './storage.module';
export {
  AnomalyQuery,
  IngestWrite,
  MISSION_PHASES,
  MissionPhase,
  PhaseRecord,
  SEVERITY_LEVELS,
  SeverityLevel,
  severityRank,
  STORE,
  Store,
  StoredAnomaly,
  StoredFrame,
  StoreUnavailableError,
} from './store';
