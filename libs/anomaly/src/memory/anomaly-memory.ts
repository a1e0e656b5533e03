import { SEVERITY_LEVELS, SeverityLevel, severityRank } from '@astra/storage';

export interface MemoryPolicy {
  recurrence_horizon_seconds: number;
  retention_seconds: Record<SeverityLevel, number>;
  max_events: number;
}

export interface RememberedAnomaly {
  instanceId: string;
  anomalyType: string;
  /** The channels that drove the anomaly; order does not matter. */
  channels: readonly string[];
  severity: SeverityLevel;
  /** Reading time, epoch ms. */
  at: number;
}

export interface MemoryStats {
  events: number;
  signatures: number;
  capacity: number;
  hits: number;
  misses: number;
  approx_size_bytes: number;
  by_severity: Record<SeverityLevel, number>;
  top_recurring: Array<{ instance_id: string; anomaly_type: string; channels: string[]; count: number; last_seen: string }>;
}

interface Event {
  at: number;
  severity: SeverityLevel;
}

/** Rough per-event footprint (object, array slot, share of the key); reported, not enforced. */
const BYTES_PER_EVENT = 64;

/**
 * Remembers anomalies by signature (vehicle, fault type, channels) to recognise recurring faults.
 * Time is reading time, so replayed telemetry behaves like live telemetry. Events fade by severity
 * (critical kept longest); past max_events the least severe, oldest events go first.
 */
export class AnomalyMemory {
  private readonly events = new Map<string, Event[]>();
  private size = 0;
  private hits = 0;
  private misses = 0;

  constructor(private readonly policy: MemoryPolicy) {}

  /** Records the anomaly and returns how many times its signature occurred within the horizon, this one included. */
  remember(anomaly: RememberedAnomaly): number {
    const key = signatureKey(anomaly);
    const events = this.events.get(key) ?? [];
    this.forgetExpired(key, events, anomaly.at);
    const horizonStart = anomaly.at - this.policy.recurrence_horizon_seconds * 1000;
    const recent = events.filter((event) => event.at >= horizonStart && event.at <= anomaly.at).length;
    if (recent > 0) this.hits++;
    else this.misses++;
    events.push({ at: anomaly.at, severity: anomaly.severity });
    this.events.set(key, events);
    this.size++;
    if (this.size > this.policy.max_events) this.evictOne();
    return recent + 1;
  }

  stats(topN = 10): MemoryStats {
    const bySeverity = Object.fromEntries(SEVERITY_LEVELS.map((level) => [level, 0])) as Record<SeverityLevel, number>;
    const signatures: MemoryStats['top_recurring'] = [];
    for (const [key, events] of this.events) {
      for (const event of events) bySeverity[event.severity]++;
      const [instance_id, anomaly_type, channels] = key.split('|');
      signatures.push({ instance_id, anomaly_type, channels: channels.split(','), count: events.length, last_seen: new Date(events.at(-1)!.at).toISOString() });
    }
    signatures.sort((a, b) => b.count - a.count || b.last_seen.localeCompare(a.last_seen));
    return {
      events: this.size,
      signatures: this.events.size,
      capacity: this.policy.max_events,
      hits: this.hits,
      misses: this.misses,
      approx_size_bytes: this.approxSizeBytes,
      by_severity: bySeverity,
      top_recurring: signatures.slice(0, topN),
    };
  }

  get approxSizeBytes(): number {
    return this.size * BYTES_PER_EVENT;
  }

  get eventCount(): number {
    return this.size;
  }

  private forgetExpired(key: string, events: Event[], now: number): void {
    const kept = events.filter((event) => now - event.at <= this.policy.retention_seconds[event.severity] * 1000);
    this.size -= events.length - kept.length;
    events.splice(0, events.length, ...kept);
    if (events.length === 0) this.events.delete(key);
  }

  private evictOne(): void {
    let victimKey: string | undefined;
    let victimIndex = -1;
    for (const [key, events] of this.events) {
      events.forEach((event, index) => {
        const victim = victimKey === undefined ? undefined : this.events.get(victimKey)![victimIndex];
        if (!victim || severityRank(event.severity) < severityRank(victim.severity) || (event.severity === victim.severity && event.at < victim.at)) {
          victimKey = key;
          victimIndex = index;
        }
      });
    }
    const events = this.events.get(victimKey!)!;
    events.splice(victimIndex, 1);
    if (events.length === 0) this.events.delete(victimKey!);
    this.size--;
  }
}

function signatureKey(anomaly: RememberedAnomaly): string {
  return `${anomaly.instanceId}|${anomaly.anomalyType}|${[...anomaly.channels].sort().join(',')}`;
}
