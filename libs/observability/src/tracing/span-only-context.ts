import { Context, createContextKey, ROOT_CONTEXT, Span, trace } from '@opentelemetry/api';

/** Where trace.getSpan looks for a context's span (createContextKey is Symbol.for of the name, so this is the API's own key). */
const SPAN_KEY = createContextKey('OpenTelemetry Context Key SPAN');

/**
 * A context holding one span and nothing else, which is what a request's contexts are: the server
 * span's, and each child span's made active under it. The API's context copies a Map and makes three
 * closures for every value set; this is one small object. Setting the span again gives another such
 * context; setting anything else gives an ordinary one.
 */
class SpanOnlyContext implements Context {
  constructor(private readonly span: Span) {}

  getValue(key: symbol): unknown {
    return key === SPAN_KEY ? this.span : undefined;
  }

  setValue(key: symbol, value: unknown): Context {
    return key === SPAN_KEY ? new SpanOnlyContext(value as Span) : trace.setSpan(ROOT_CONTEXT, this.span).setValue(key, value);
  }

  deleteValue(key: symbol): Context {
    return key === SPAN_KEY ? ROOT_CONTEXT : this;
  }
}

/** trace.setSpan(ROOT_CONTEXT, span), without the Map. */
export function spanOnlyContext(span: Span): Context {
  return new SpanOnlyContext(span);
}
