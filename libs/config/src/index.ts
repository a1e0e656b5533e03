export { AppConfig, ConfigError, LogLevel, NodeEnv, loadConfig } from './app-config';
export { APP_CONFIG, ConfigModule } from './config.module';
export { DependencyPolicySettings, ReliabilityConfig } from './reliability-config';
