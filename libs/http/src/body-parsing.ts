import { BadRequestException, HttpException, PayloadTooLargeException, UnsupportedMediaTypeException } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { json } from 'express';

export interface BodyLimits {
  bodyLimitBytes: number;
  batchBodyLimitBytes: number;
  /** Routes (exact paths) that take the larger batch limit. */
  batchRoutes: string[];
  /** Deepest nesting of objects/arrays accepted (MAX_JSON_DEPTH). */
  maxJsonDepth: number;
}

/** Keys that would reach an object's prototype if anything merged the body naively. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function rejectPrototypeKeys(key: string, value: unknown): unknown {
  if (FORBIDDEN_KEYS.has(key)) throw new SyntaxError(`the key "${key}" is not allowed`);
  return value;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPENERS = new Set([0x7b, 0x5b]);
const CLOSERS = new Set([0x7d, 0x5d]);

/**
 * Refuses a body nested deeper than `maxDepth` before it is parsed: later stages (validation,
 * transformation) recurse over the parsed value, so depth is a stack-exhaustion vector.
 * Runs as the parser's `verify` hook; UTF-8 bodies are scanned as latin1 (one char per byte),
 * which keeps every structural character where it is without a real decode.
 */
function depthLimit(maxDepth: number) {
  return (_req: Request, _res: Response, body: Buffer, encoding: string): void => {
    const text = body.toString(encoding === 'utf-8' ? 'latin1' : (encoding as BufferEncoding));
    let depth = 0;
    let inString = false;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (inString) {
        if (code === BACKSLASH) i++;
        else if (code === QUOTE) inString = false;
      } else if (code === QUOTE) inString = true;
      else if (OPENERS.has(code)) {
        if (++depth > maxDepth) throw Object.assign(new Error(`JSON nested deeper than ${maxDepth} levels (MAX_JSON_DEPTH)`), { type: 'entity.too.deep' });
      } else if (CLOSERS.has(code)) depth--;
    }
  };
}

/** Errors of Express's body parser (http-errors, told apart by `type`) as the HTTP errors we answer. */
function toHttpException(error: Error & { type?: string; length?: number; limit?: number }): HttpException {
  switch (error.type) {
    case 'entity.parse.failed':
      return new BadRequestException(`Malformed JSON: ${error.message}`);
    case 'entity.too.deep':
      return new BadRequestException(error.message);
    case 'entity.too.large':
      return new PayloadTooLargeException(`Request body of ${error.length} bytes exceeds the limit of ${error.limit} bytes`);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new UnsupportedMediaTypeException(error.message);
    default:
      return new BadRequestException(`Unreadable request body: ${error.message}`);
  }
}

const hasBody = (req: Request) => req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;

/** A body that is not JSON is refused with 415 before anything reads it. */
function requireJson(req: Request, _res: Response, next: NextFunction): void {
  if (!hasBody(req) || req.is('application/json') || req.is('application/*+json')) return next();
  // Through the exception filter like every other refusal, so it is counted in astra_errors_total.
  next(new UnsupportedMediaTypeException(`Content-Type must be application/json, got ${String(req.headers['content-type'] ?? 'none').slice(0, 100)}`));
}

function jsonParser(limit: number, maxDepth: number): RequestHandler {
  const parse = json({ limit, strict: true, reviver: rejectPrototypeKeys, verify: depthLimit(maxDepth), type: ['application/json', 'application/*+json'] });
  return (req, res, next) => parse(req, res, (error?: unknown) => next(error ? toHttpException(error as Error) : undefined));
}

/**
 * JSON bodies only, with a size limit per route class (batches get their own), and strict parsing:
 * top-level objects/arrays only, bounded nesting and no prototype keys. Parse errors reach the exception filter.
 */
export function applyBodyParsing(app: NestExpressApplication, limits: BodyLimits): void {
  app.use(requireJson);
  app.use(limits.batchRoutes, jsonParser(limits.batchBodyLimitBytes, limits.maxJsonDepth));
  app.use(jsonParser(limits.bodyLimitBytes, limits.maxJsonDepth));
}
