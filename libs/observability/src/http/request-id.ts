import { randomUUID } from 'node:crypto';

/** A caller's id is kept when it is a sane token; anything else (too long, odd characters) is replaced. */
const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestIdFrom(header: string | string[] | undefined): string {
  return typeof header === 'string' && ACCEPTABLE_ID.test(header) ? header : randomUUID();
}
