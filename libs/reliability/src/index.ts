export { AlertNotifier } from './alerts/alert-notifier';
export { FAULT_INJECTOR, FaultInjector } from './chaos/fault-injector';
export { FallbackMode, FallbackModeName } from './recovery/fallback-mode';
export { ReliabilityModule } from './reliability.module';
