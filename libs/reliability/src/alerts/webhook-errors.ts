/** The webhook answered with a status worth retrying (5xx, 408, 429) or not (other 4xx). */
export class WebhookStatusError extends Error {
  constructor(readonly status: number) {
    super(`alert webhook answered ${status}`);
    this.name = 'WebhookStatusError';
  }
}

export function isTransientWebhookError(error: unknown): boolean {
  if (error instanceof WebhookStatusError) return error.status >= 500 || error.status === 408 || error.status === 429;
  // fetch rejects with a TypeError when the connection fails (refused, reset, DNS).
  return error instanceof TypeError;
}
