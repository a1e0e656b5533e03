import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { API_KEY_ENTRIES, INVALID_KEY, MISSING_KEY } from './api-key.guard';
import { ApiKeyEntry } from './api-keys';
import { authenticate } from './authentication';
import { isRead } from './roles';
import { SecurityAudit } from './security-audit';

/**
 * Guards run only after the body is parsed, so without this gate an anonymous caller could make the
 * service read and parse megabytes. With keys configured, a write (the only requests with bodies) is
 * refused before its body is read unless its key verifies; writes need a key anyway, and the role
 * is still checked by the guard. (A @Public write route would need an exception here.)
 * Mount it before body parsing.
 */
@Injectable()
export class BodyGate {
  constructor(
    @Inject(API_KEY_ENTRIES) private readonly entries: readonly ApiKeyEntry[],
    private readonly audit: SecurityAudit,
  ) {}

  readonly handle = (req: Request, res: Response, next: NextFunction): void => {
    if (isRead(req.method)) return next();
    const verdict = authenticate(req, this.entries);
    if (verdict.outcome === 'open' || verdict.outcome === 'verified') return next();
    this.audit.authFailure(req, verdict.outcome, verdict.outcome === 'invalid' ? verdict.keyId : undefined);
    // Closing the connection stops a client from streaming the unread body at us regardless.
    res.setHeader('Connection', 'close');
    // Through next(), so the exception filter answers (and counts) it like any other refusal.
    next(new UnauthorizedException(verdict.outcome === 'missing' ? MISSING_KEY : INVALID_KEY));
  };
}
