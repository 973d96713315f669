import { IsISO8601, type ValidationOptions } from 'class-validator';

/** An ISO 8601 date-time string (e.g. `2025-07-06T12:00:00.000Z`). */
export function IsTimestamp(options?: ValidationOptions): PropertyDecorator {
  return IsISO8601({ strict: true, strictSeparator: true }, { message: '$property must be an ISO 8601 date-time', ...options });
}
