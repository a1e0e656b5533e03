import { UnprocessableEntityException, ValidationError, ValidationPipe } from '@nestjs/common';

/** A batch of thousands of bad frames should not produce a multi-megabyte error. */
export const MAX_VALIDATION_MESSAGES = 100;

/** One message per offending field, named by its full path (e.g. `telemetry.3.voltage`). */
export function validationMessages(errors: ValidationError[], parentPath = ''): string[] {
  const messages: string[] = [];
  for (const error of errors) {
    const path = parentPath ? `${parentPath}.${error.property}` : error.property;
    const first = error.constraints ? Object.values(error.constraints)[0] : undefined;
    if (first !== undefined) messages.push(withPath(first, error.property, path));
    if (error.children?.length) messages.push(...validationMessages(error.children, path));
  }
  return messages;
}

/** Messages name their property; swap in the full path, or prefix it when the message does not. */
function withPath(message: string, property: string, path: string): string {
  if (/^[ .]/.test(message.slice(property.length)) && message.startsWith(property)) return path + message.slice(property.length);
  if (message.startsWith(`property ${property} `)) return `property ${path}${message.slice(`property ${property}`.length)}`;
  return `${path}: ${message}`;
}

/**
 * Strict input: unknown fields are refused, types are never coerced (a number sent as a string
 * is an error), and every failure is a 422.
 */
export function strictValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    stopAtFirstError: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const messages = validationMessages(errors);
      const shown = messages.slice(0, MAX_VALIDATION_MESSAGES);
      if (messages.length > shown.length) shown.push(`…and ${messages.length - shown.length} more`);
      return new UnprocessableEntityException(shown);
    },
  });
}
