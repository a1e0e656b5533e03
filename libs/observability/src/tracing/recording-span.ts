import { Attributes, AttributeValue, Context, diag, Exception, HrTime, Link, Span, SpanContext, SpanKind, SpanStatus, SpanStatusCode, TimeInput, TraceFlags } from '@opentelemetry/api';
import { hrTimeDuration, InstrumentationScope, isAttributeValue, isTimeInput, isTimeInputHrTime, millisToHrTime, sanitizeAttributes } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, SpanLimits, SpanProcessor, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { ATTR_EXCEPTION_MESSAGE, ATTR_EXCEPTION_STACKTRACE, ATTR_EXCEPTION_TYPE } from '@opentelemetry/semantic-conventions';
import { formatTraceId, newSpanId, TraceIdWords } from './trace-ids';

/**
 * Makes room for one more entry in a list bounded by `limit`, as the SDK does: the oldest entry goes.
 * True when an entry is lost, the oldest or, with a limit of 0, the new one.
 */
function makeRoom(list: unknown[], limit: number): boolean {
  if (limit === 0) return true;
  if (list.length < limit) return false;
  list.shift();
  return true;
}

/** What every recording span of the process shares with the SDK's (sdk.ts passes the SDK the same). */
export interface RecordingSettings {
  resource: Resource;
  processor: SpanProcessor;
  limits: Required<SpanLimits>;
}

/** What a span is started with. */
export interface RecordingStart {
  name: string;
  kind?: SpanKind;
  attributes?: Attributes;
  links?: Link[];
  startTime?: TimeInput;
  scope: InstrumentationScope;
  /** The context it starts in (handed to the span processor's onStart). */
  context: Context;
}

/**
 * A sampled span of a trace this process started, made without the SDK's tracer: the request's server
 * span for a new trace the sampler keeps (server-span.ts) and every span started under one
 * (parent-following-tracer.ts). Every sampler AstraGuard builds keeps a child of a kept local parent,
 * so the SDK's sampler, id generator, attribute copies and self-metrics have nothing to add; what the
 * span records, how it is limited (the SDK's span limits) and what the span processor gets are the
 * SDK span's (recording-span.spec.ts records both and compares them). On this project's host the
 * SDK's `startSpan` alone cost 2–16 µs per sampled span (docs/benchmarks.md), most of it code and
 * data that one request in ten touches and finds out of the caches.
 *
 * Times are read on the performance clock, anchored to the wall clock when the trace's root started
 * (the SDK anchors each span the same way): no span's time jumps with the wall clock, and a trace's
 * spans keep their order.
 */
export class RecordingSpan implements Span, ReadableSpan {
  name: string;
  readonly kind: SpanKind;
  readonly parentSpanContext?: SpanContext;
  readonly attributes: Attributes = {};
  readonly links: Link[] = [];
  readonly events: TimedEvent[] = [];
  status: SpanStatus = { code: SpanStatusCode.UNSET };
  readonly resource: Resource;
  readonly instrumentationScope: InstrumentationScope;
  droppedAttributesCount = 0;
  droppedEventsCount = 0;
  droppedLinksCount = 0;
  readonly startTime: HrTime;
  endTime: HrTime = [0, 0];
  duration: HrTime = [-1, -1];
  ended = false;
  private attributeCount = 0;
  private readonly context: SpanContext;
  /** Wall-clock milliseconds minus performance-clock milliseconds, fixed for the trace. */
  private readonly clockOffset: number;

  private constructor(
    private readonly settings: RecordingSettings,
    start: RecordingStart,
    context: SpanContext,
    parent: RecordingSpan | undefined,
  ) {
    this.name = start.name;
    this.kind = start.kind ?? SpanKind.INTERNAL;
    this.context = context;
    this.resource = settings.resource;
    this.instrumentationScope = start.scope;
    this.clockOffset = parent ? parent.clockOffset : Date.now() - performance.now();
    if (parent) this.parentSpanContext = parent.context;
    if (start.links) this.addLinks(start.links);
    this.startTime = this.time(start.startTime);
    if (start.attributes) this.setAttributes(start.attributes);
    settings.processor.onStart(this, start.context);
  }

  /** The root span of a new trace the sampler kept, with the trace id it was kept on. */
  static root(settings: RecordingSettings, traceId: TraceIdWords, start: RecordingStart): RecordingSpan {
    return new RecordingSpan(settings, start, { traceId: formatTraceId(traceId), spanId: newSpanId(), traceFlags: TraceFlags.SAMPLED }, undefined);
  }

  /** A span of this one's trace, started under it. */
  child(start: RecordingStart): RecordingSpan {
    const { traceId, traceState } = this.context;
    return new RecordingSpan(this.settings, start, { traceId, spanId: newSpanId(), traceFlags: TraceFlags.SAMPLED, traceState }, this);
  }

  spanContext(): SpanContext {
    return this.context;
  }

  isRecording(): boolean {
    return !this.ended;
  }

  setAttribute(key: string, value: AttributeValue | undefined): this {
    if (value == null || this.endedAlready('setAttribute')) return this;
    if (key.length === 0 || !isAttributeValue(value)) {
      diag.warn(`Invalid attribute ${key.length === 0 ? 'key' : 'value set for key'}: ${key}`);
      return this;
    }
    const isNew = !Object.prototype.hasOwnProperty.call(this.attributes, key);
    if (isNew && this.attributeCount >= this.settings.limits.attributeCountLimit) {
      this.droppedAttributesCount++;
      return this;
    }
    this.attributes[key] = this.truncated(value);
    if (isNew) this.attributeCount++;
    return this;
  }

  setAttributes(attributes: Attributes): this {
    for (const key in attributes) if (Object.prototype.hasOwnProperty.call(attributes, key)) this.setAttribute(key, attributes[key]);
    return this;
  }

  addEvent(name: string, attributesOrTime?: Attributes | TimeInput, time?: TimeInput): this {
    if (this.endedAlready('addEvent')) return this;
    const { eventCountLimit, attributePerEventCountLimit } = this.settings.limits;
    if (makeRoom(this.events, eventCountLimit)) this.droppedEventsCount++;
    if (eventCountLimit === 0) return this;
    const isTime = isTimeInput(attributesOrTime);
    const at = isTime && !isTimeInput(time) ? attributesOrTime : time;
    const { kept, dropped } = this.limited(sanitizeAttributes(isTime ? undefined : attributesOrTime), attributePerEventCountLimit);
    this.events.push({ name, attributes: kept, time: this.time(at), droppedAttributesCount: dropped });
    return this;
  }

  addLink(link: Link): this {
    if (this.endedAlready('addLink')) return this;
    const { linkCountLimit, attributePerLinkCountLimit } = this.settings.limits;
    if (makeRoom(this.links, linkCountLimit)) this.droppedLinksCount++;
    if (linkCountLimit === 0) return this;
    const { kept, dropped } = this.limited(sanitizeAttributes(link.attributes), attributePerLinkCountLimit);
    const added: Link = { context: link.context };
    if (Object.keys(kept).length > 0) added.attributes = kept;
    if (dropped > 0) added.droppedAttributesCount = dropped;
    this.links.push(added);
    return this;
  }

  addLinks(links: Link[]): this {
    for (const link of links) this.addLink(link);
    return this;
  }

  /** As the SDK: UNSET changes nothing, OK is final, only an ERROR keeps a (string) message. */
  setStatus(status: SpanStatus): this {
    if (this.endedAlready('setStatus') || status.code === SpanStatusCode.UNSET || this.status.code === SpanStatusCode.OK) return this;
    this.status = status.code === SpanStatusCode.ERROR && typeof status.message === 'string' ? { code: status.code, message: status.message } : { code: status.code };
    return this;
  }

  updateName(name: string): this {
    if (!this.endedAlready('updateName')) this.name = name;
    return this;
  }

  end(endTime?: TimeInput): void {
    if (this.ended) {
      diag.error(`${this.name} ${this.context.traceId}-${this.context.spanId} - You can only call end() on a span once.`);
      return;
    }
    this.endTime = this.time(endTime);
    this.duration = hrTimeDuration(this.startTime, this.endTime);
    if (this.duration[0] < 0) {
      this.endTime = this.startTime;
      this.duration = [0, 0];
    }
    this.ended = true;
    this.settings.processor.onEnding?.(this);
    this.settings.processor.onEnd(this);
  }

  /** The SDK's exception event: type from the code or name, message, stack. */
  recordException(exception: Exception, time?: TimeInput): void {
    const attributes: Attributes = {};
    if (typeof exception === 'string') attributes[ATTR_EXCEPTION_MESSAGE] = exception;
    else if (exception) {
      const type = exception.code ? String(exception.code) : exception.name;
      if (type) attributes[ATTR_EXCEPTION_TYPE] = type;
      if (exception.message) attributes[ATTR_EXCEPTION_MESSAGE] = exception.message;
      if (exception.stack) attributes[ATTR_EXCEPTION_STACKTRACE] = exception.stack;
    }
    if (attributes[ATTR_EXCEPTION_TYPE] || attributes[ATTR_EXCEPTION_MESSAGE]) this.addEvent('exception', attributes, time);
    else diag.warn(`Failed to record an exception ${String(exception)}`);
  }

  /** Now, or a time given as the API allows (performance or epoch milliseconds, a Date, an HrTime), as the SDK reads it. */
  private time(input: TimeInput | undefined): HrTime {
    if (input === undefined) return millisToHrTime(performance.now() + this.clockOffset);
    if (typeof input === 'number') return millisToHrTime(input <= performance.now() ? input + this.clockOffset : input);
    if (input instanceof Date) return millisToHrTime(input.getTime());
    return isTimeInputHrTime(input) ? input : millisToHrTime(performance.now() + this.clockOffset);
  }

  private endedAlready(operation: string): boolean {
    if (this.ended) diag.warn(`Cannot execute the operation ${operation} on ended Span {traceId: ${this.context.traceId}, spanId: ${this.context.spanId}}`);
    return this.ended;
  }

  /** A string, or every string of an array, cut to the attribute value length limit. */
  private truncated(value: AttributeValue): AttributeValue {
    const limit = this.settings.limits.attributeValueLengthLimit;
    if (limit <= 0) return value;
    if (typeof value === 'string') return value.length > limit ? value.slice(0, limit) : value;
    if (Array.isArray(value)) return value.map((item: unknown) => (typeof item === 'string' && item.length > limit ? item.slice(0, limit) : item)) as AttributeValue;
    return value;
  }

  /** At most `limit` of `attributes` (each truncated), and how many were left out. */
  private limited(attributes: Attributes, limit: number): { kept: Attributes; dropped: number } {
    const kept: Attributes = {};
    let count = 0;
    let dropped = 0;
    for (const key in attributes) {
      if (!Object.prototype.hasOwnProperty.call(attributes, key)) continue;
      if (count >= limit) dropped++;
      else {
        kept[key] = this.truncated(attributes[key] as AttributeValue);
        count++;
      }
    }
    return { kept, dropped };
  }
}
