import { BadRequestException, HttpException, PayloadTooLargeException, UnsupportedMediaTypeException } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { json } from 'express';
import { toErrorBody } from './http-exception.filter';

export interface BodyLimits {
  bodyLimitBytes: number;
  batchBodyLimitBytes: number;
  /** Routes (exact paths) that take the larger batch limit. */
  batchRoutes: string[];
}

/** Keys that would reach an object's prototype if anything merged the body naively. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function rejectPrototypeKeys(key: string, value: unknown): unknown {
  if (FORBIDDEN_KEYS.has(key)) throw new SyntaxError(`the key "${key}" is not allowed`);
  return value;
}

/** Errors of Express's body parser (http-errors, told apart by `type`) as the HTTP errors we answer. */
function toHttpException(error: Error & { type?: string; length?: number; limit?: number }): HttpException {
  switch (error.type) {
    case 'entity.parse.failed':
      return new BadRequestException(`Malformed JSON: ${error.message}`);
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
function requireJson(req: Request, res: Response, next: NextFunction): void {
  if (!hasBody(req) || req.is('application/json') || req.is('application/*+json')) return next();
  const body = toErrorBody(new UnsupportedMediaTypeException(`Content-Type must be application/json, got ${String(req.headers['content-type'] ?? 'none').slice(0, 100)}`));
  res.status(body.statusCode).json(body);
}

function jsonParser(limit: number): RequestHandler {
  const parse = json({ limit, strict: true, reviver: rejectPrototypeKeys, type: ['application/json', 'application/*+json'] });
  return (req, res, next) => parse(req, res, (error?: unknown) => next(error ? toHttpException(error as Error) : undefined));
}

/**
 * JSON bodies only, with a size limit per route class (batches get their own), and strict parsing:
 * top-level objects/arrays only and no prototype keys. Parse errors reach the exception filter.
 */
export function applyBodyParsing(app: NestExpressApplication, limits: BodyLimits): void {
  app.use(requireJson);
  app.use(limits.batchRoutes, jsonParser(limits.batchBodyLimitBytes));
  app.use(jsonParser(limits.bodyLimitBytes));
}
