import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@astra/config';
import { DomainEvents } from '@astra/observability';
import { AlertNotifier } from '../alerts/alert-notifier';
import { ChaosService, EndedExperiment } from '../chaos/chaos.service';
import { REDIS_DEPENDENCY, WEBHOOK_DEPENDENCY } from '../dependencies';
import { RedisFallback } from '../journal/redis-fallback';
import { GuardedDependency } from '../policies/guarded-dependency';
import { ReliabilityMetrics } from '../reliability-metrics';
import { FALLBACK_MODES, FallbackMode, FallbackModeName } from './fallback-mode';

export const RECOVERY_ACTIONS = ['breaker_probe', 'redis_reconnect', 'journal_replay', 'alert_resend', 'enter_safe_mode', 'leave_safe_mode'] as const;
export type RecoveryActionName = (typeof RECOVERY_ACTIONS)[number];

export interface RecoveryRecord {
  action: RecoveryActionName;
  status: 'success' | 'failure';
  at: string;
  detail: string;
}

const HISTORY_LENGTH = 200;

/**
 * Looks at component health every RECOVERY_INTERVAL_MS and acts, each action at most once per
 * RECOVERY_COOLDOWN_MS: probes an open breaker whose wait is over (so its state moves without
 * waiting for traffic), reconnects Redis once the client gave up, replays the journal once Redis
 * answers, re-sends parked alerts, and switches to and from safe mode.
 */
@Injectable()
export class RecoveryOrchestrator implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Recovery');
  private readonly history: RecoveryRecord[] = [];
  private readonly lastRun = new Map<RecoveryActionName, number>();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private mode: FallbackModeName = 'primary';
  private readonly recovering: EndedExperiment[] = [];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly fallback: RedisFallback,
    private readonly modes: FallbackMode,
    private readonly alerts: AlertNotifier,
    private readonly chaos: ChaosService,
    private readonly metrics: ReliabilityMetrics,
    @Inject(REDIS_DEPENDENCY) private readonly redis: GuardedDependency,
    @Inject(WEBHOOK_DEPENDENCY) private readonly webhook: GuardedDependency,
  ) {}

  onApplicationBootstrap(): void {
    this.publishMode(this.modes.current());
    // A breaker that closes is the cue to replay the journal or re-send parked alerts: look at once.
    for (const dependency of [this.redis, this.webhook]) dependency.onStateChange((state) => state === 'closed' && void this.tick());
    this.timer = setInterval(() => void this.tick(), this.config.reliability.recoveryIntervalMs).unref();
    void this.tick();
  }

  /** Stops before the store closes (StorageModule closes it on shutdown). */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  recent(): RecoveryRecord[] {
    return [...this.history].reverse();
  }

  /** One look at the components; overlapping ticks are skipped. */
  tick(): Promise<void> {
    this.running ??= this.look().finally(() => (this.running = undefined));
    return this.running;
  }

  private async look(): Promise<void> {
    const store = this.fallback.store;
    if (store) {
      if (store.redis.connectionStatus !== 'ready') this.metrics.healthCheckFailures.inc({ check: 'redis' });
      if (store.redis.connectionStatus === 'end') await this.act('redis_reconnect', () => store.redis.reconnect().then(() => 'reconnected'));
      if (this.redis.probeDue()) await this.act('breaker_probe', () => store.redis.ping().then(() => 'redis answered the half-open probe'));
      if (store.journal.entries > 0 && this.redis.currentState === 'closed' && store.redis.connectionStatus === 'ready') {
        await this.act('journal_replay', async () => `${await store.replay()} write(s) replayed`, true);
      }
    }
    if (this.alerts.parkedCount > 0) {
      if (this.webhook.currentState !== 'closed') this.metrics.healthCheckFailures.inc({ check: 'webhook' });
      if (this.webhook.currentState === 'closed' || this.webhook.probeDue()) {
        await this.act('alert_resend', async () => {
          const sent = await this.alerts.resendParked();
          if (this.alerts.parkedCount > 0) throw new Error(`${sent} sent, ${this.alerts.parkedCount} still parked`);
          return `${sent} parked alert(s) sent`;
        });
      }
    }
    this.switchMode(this.modes.current());
    this.timeChaosRecovery();
  }

  /** Runs an action unless it ran within the cooldown (`always` skips the cooldown: replay has its own guard). */
  private async act(action: RecoveryActionName, run: () => Promise<string>, always = false): Promise<void> {
    const now = Date.now();
    if (!always && now - (this.lastRun.get(action) ?? 0) < this.config.reliability.recoveryCooldownMs) return;
    this.lastRun.set(action, now);
    try {
      this.record(action, 'success', await run());
    } catch (error) {
      this.record(action, 'failure', (error as Error).message);
    }
  }

  private switchMode(next: FallbackModeName): void {
    if (next === this.mode) return;
    if (next === 'safe') this.record('enter_safe_mode', 'success', 'the write journal is full: telemetry writes are refused until it drains');
    else if (this.mode === 'safe') this.record('leave_safe_mode', 'success', `now ${next}`);
    this.publishMode(next);
  }

  private publishMode(mode: FallbackModeName): void {
    this.mode = mode;
    for (const candidate of FALLBACK_MODES) this.metrics.fallbackMode.set({ mode: candidate }, candidate === mode ? 1 : 0);
  }

  /** From an experiment's end until its dependency's breaker is closed and the service is ready again. */
  private timeChaosRecovery(): void {
    this.recovering.push(...this.chaos.takeEnded());
    const now = Date.now();
    for (let i = this.recovering.length - 1; i >= 0; i--) {
      const { target, endedAt } = this.recovering[i];
      const breaker = target === 'redis' ? this.redis : target === 'webhook' ? this.webhook : undefined;
      if ((breaker && breaker.currentState !== 'closed') || this.mode === 'safe' || (target === 'redis' && this.fallback.store?.redis.connectionStatus !== 'ready')) continue;
      this.metrics.chaosRecovery.observe((now - endedAt) / 1000);
      this.recovering.splice(i, 1);
    }
  }

  private record(action: RecoveryActionName, status: 'success' | 'failure', detail: string): void {
    this.history.push({ action, status, at: new Date().toISOString(), detail });
    if (this.history.length > HISTORY_LENGTH) this.history.shift();
    this.metrics.recoveryActions.inc({ action, status });
    const log = DomainEvents.recoveryAction({ action, status: status === 'success' ? 'succeeded' : 'failed', detail });
    if (status === 'success') this.logger.log(log);
    else this.logger.warn(log);
  }
}
