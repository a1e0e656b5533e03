import { ROOT_CONTEXT, Span, SpanKind, SpanStatusCode, trace, TraceFlags } from '@opentelemetry/api';
import { hrTimeToMilliseconds } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { RecordingSettings, RecordingSpan } from './recording-span';
import { newTraceIdWords } from './trace-ids';

/** Small limits, so that every limit is reached. */
const LIMITS = { attributeCountLimit: 6, attributeValueLengthLimit: 5, eventCountLimit: 2, linkCountLimit: 1, attributePerEventCountLimit: 2, attributePerLinkCountLimit: 1 };
const resource = resourceFromAttributes({ 'service.name': 'recording-spec' });
const SCOPE = { name: 'astraguard', version: '1.0.0', schemaUrl: undefined };

function sdkAndOwn(limits = LIMITS) {
  const sdkExporter = new InMemorySpanExporter();
  const ownExporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ resource, spanLimits: limits, spanProcessors: [new SimpleSpanProcessor(sdkExporter)] });
  const settings: RecordingSettings = { resource, processor: new SimpleSpanProcessor(ownExporter), limits };
  return { sdkTracer: provider.getTracer(SCOPE.name, SCOPE.version), sdkExporter, settings, ownExporter };
}

/** What a span records, without its ids and times. */
function recorded(span: ReadableSpan) {
  return {
    name: span.name,
    kind: span.kind,
    attributes: span.attributes,
    droppedAttributesCount: span.droppedAttributesCount,
    events: span.events.map(({ name, attributes, droppedAttributesCount }) => ({ name, attributes, droppedAttributesCount })),
    droppedEventsCount: span.droppedEventsCount,
    links: span.links,
    droppedLinksCount: span.droppedLinksCount,
    status: span.status,
    resource: span.resource,
    instrumentationScope: span.instrumentationScope,
    ended: span.ended,
    traceFlags: span.spanContext().traceFlags,
  };
}

const LINKED = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED, isRemote: true };

/** Everything a span can be asked to do, limits and misuse included. */
function exercise(span: Span): void {
  span.setAttribute('text', 'a long string value');
  span.setAttributes({ count: 3, ratio: 0.5, ok: true, names: ['voltage', 'gyro'] });
  span.setAttribute('', 'empty key');
  span.setAttribute('bad', { nested: true } as never);
  span.setAttribute('mixed', [1, 'two'] as never);
  span.setAttribute('missing', undefined as never);
  span.setAttribute('count', 4);
  span.setAttribute('sixth', 6);
  span.setAttribute('seventh', 7);
  span.addEvent('first');
  span.addEvent('second', { a: 'abcdefgh', b: 2, c: 3 });
  span.addEvent('third', [1_700_000_000, 5]);
  span.recordException(Object.assign(new Error('detector failed'), { code: 'E_DETECT' }));
  span.recordException('plain message');
  span.addLink({ context: LINKED, attributes: { why: 'caused', extra: 1 } });
  span.addLinks([{ context: LINKED }]);
  span.setStatus({ code: SpanStatusCode.ERROR, message: 'failed' });
  span.setStatus({ code: SpanStatusCode.UNSET });
  span.updateName('renamed');
  span.setStatus({ code: SpanStatusCode.OK, message: 'dropped: only errors keep a message' });
  span.setStatus({ code: SpanStatusCode.ERROR, message: 'too late: OK is final' });
  span.end();
  span.end();
  span.setAttribute('after', 'end');
  span.addEvent('after end');
  span.updateName('after end');
}

describe('RecordingSpan', () => {
  it('records what the SDK span records, under the same limits and rules', () => {
    const { sdkTracer, sdkExporter, settings, ownExporter } = sdkAndOwn();
    exercise(sdkTracer.startSpan('work', { kind: SpanKind.SERVER, attributes: { initial: 'yes' } }, ROOT_CONTEXT));
    exercise(RecordingSpan.root(settings, newTraceIdWords(), { name: 'work', kind: SpanKind.SERVER, attributes: { initial: 'yes' }, scope: SCOPE, context: ROOT_CONTEXT }));
    const [sdk] = sdkExporter.getFinishedSpans();
    const [own] = ownExporter.getFinishedSpans();
    expect(ownExporter.getFinishedSpans()).toHaveLength(1);
    expect(recorded(own)).toEqual(recorded(sdk));
    // The comparison is worth something only if the limits and rules were hit.
    expect(own).toMatchObject({ name: 'renamed', droppedAttributesCount: 2, droppedEventsCount: 3, droppedLinksCount: 1, status: { code: SpanStatusCode.OK } });
    expect(own.attributes.text).toBe('a lon');
    expect(own.events.map((event) => event.name)).toEqual(['exception', 'exception']);
    expect(own.events[0].attributes).toMatchObject({ 'exception.type': 'E_DET', 'exception.message': 'detec' });
  });

  it('records what the SDK span records when the limits allow no attributes, events or links at all', () => {
    const { sdkTracer, sdkExporter, settings, ownExporter } = sdkAndOwn({ ...LIMITS, attributeCountLimit: 0, eventCountLimit: 0, linkCountLimit: 0 });
    exercise(sdkTracer.startSpan('work', {}, ROOT_CONTEXT));
    exercise(RecordingSpan.root(settings, newTraceIdWords(), { name: 'work', scope: SCOPE, context: ROOT_CONTEXT }));
    const [own] = ownExporter.getFinishedSpans();
    expect(recorded(own)).toEqual(recorded(sdkExporter.getFinishedSpans()[0]));
    expect(own).toMatchObject({ attributes: {}, events: [], links: [], droppedEventsCount: 5, droppedLinksCount: 2 });
  });

  it('starts children in its trace, parented to it', () => {
    const { settings, ownExporter } = sdkAndOwn();
    const root = RecordingSpan.root(settings, newTraceIdWords(), { name: 'root', scope: SCOPE, context: ROOT_CONTEXT });
    const child = root.child({ name: 'child', kind: SpanKind.CLIENT, links: [{ context: LINKED }], scope: { name: 'default' }, context: trace.setSpan(ROOT_CONTEXT, root) });
    const grandchild = child.child({ name: 'grandchild', scope: { name: 'default' }, context: ROOT_CONTEXT });
    grandchild.end();
    child.end();
    root.end();
    const [g, c, r] = ownExporter.getFinishedSpans();
    expect([g.name, c.name, r.name]).toEqual(['grandchild', 'child', 'root']);
    expect(new Set([r, c, g].map((span) => span.spanContext().traceId)).size).toBe(1);
    expect(r.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(r.parentSpanContext).toBeUndefined();
    expect(c.parentSpanContext).toBe(r.spanContext());
    expect(g.parentSpanContext).toBe(c.spanContext());
    expect(new Set([r, c, g].map((span) => span.spanContext().spanId)).size).toBe(3);
    expect(c).toMatchObject({ kind: SpanKind.CLIENT, links: [{ context: LINKED }], instrumentationScope: { name: 'default' } });
    expect([r, c, g].every((span) => span.spanContext().traceFlags === TraceFlags.SAMPLED)).toBe(true);
    expect(child.isRecording()).toBe(false);
  });

  it('times spans on the wall clock, end after start, and takes the times it is given as the SDK does', () => {
    const { settings, ownExporter } = sdkAndOwn();
    const before = Date.now();
    const span = RecordingSpan.root(settings, newTraceIdWords(), { name: 'timed', scope: SCOPE, context: ROOT_CONTEXT });
    span.end();
    const after = Date.now();
    const given = RecordingSpan.root(settings, newTraceIdWords(), { name: 'given', startTime: [1_700_000_000, 5], scope: SCOPE, context: ROOT_CONTEXT });
    given.end(new Date(1_700_000_001_000));
    const backwards = RecordingSpan.root(settings, newTraceIdWords(), { name: 'backwards', startTime: 1_700_000_001_000, scope: SCOPE, context: ROOT_CONTEXT });
    backwards.end(1_700_000_000_000);
    const [timed, fixed, clamped] = ownExporter.getFinishedSpans();
    expect(hrTimeToMilliseconds(timed.startTime)).toBeGreaterThanOrEqual(before - 1);
    expect(hrTimeToMilliseconds(timed.endTime)).toBeLessThanOrEqual(after + 1);
    expect(hrTimeToMilliseconds(timed.duration)).toBeCloseTo(hrTimeToMilliseconds(timed.endTime) - hrTimeToMilliseconds(timed.startTime), 3);
    expect([fixed.startTime, fixed.endTime]).toEqual([
      [1_700_000_000, 5],
      [1_700_000_001, 0],
    ]);
    // An end before the start is taken as the start, as the SDK does.
    expect([clamped.endTime, clamped.duration]).toEqual([clamped.startTime, [0, 0]]);
  });
});
