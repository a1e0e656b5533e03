/** The `category` every log line carries (see the logging conventions in docs/decisions.md). */
export const LOG_CATEGORIES = ['application', 'security', 'performance', 'business', 'infrastructure', 'audit', 'access', 'error'] as const;
export type LogCategory = (typeof LOG_CATEGORIES)[number];

/** A structured log entry: pass it to a Nest `Logger` method (`logger.log(entry)`). */
export interface LogEntry {
  msg: string;
  category: LogCategory;
  event: string;
  [field: string]: unknown;
}
