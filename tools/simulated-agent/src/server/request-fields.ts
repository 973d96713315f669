import { RequestRejectedError } from './request-rejected.error';

/** Typed reads of a parsed JSON body's fields; a wrong type is a 400 RequestRejectedError naming the field. */
export const requestFields = {
  string(body: Record<string, unknown>, field: string): string | undefined {
    const value = body[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw RequestRejectedError.malformed(`"${field}" must be a string`);
    return value;
  },
  boolean(body: Record<string, unknown>, field: string): boolean | undefined {
    const value = body[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') throw RequestRejectedError.malformed(`"${field}" must be a boolean`);
    return value;
  },
  integer(body: Record<string, unknown>, field: string): number | undefined {
    const value = body[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value)) throw RequestRejectedError.malformed(`"${field}" must be an integer`);
    return value;
  },
  object(body: Record<string, unknown>, field: string): Record<string, unknown> | undefined {
    const value = body[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) throw RequestRejectedError.malformed(`"${field}" must be an object`);
    return value as Record<string, unknown>;
  },
  /** Chat messages: `{ role, content }` objects; content is kept only when it is text. */
  messages(body: Record<string, unknown>, field: string): { role: string; content: string }[] | undefined {
    const value = body[field];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) throw RequestRejectedError.malformed(`"${field}" must be an array of messages`);
    return value.map((message: unknown, index) => {
      if (typeof message !== 'object' || message === null) throw RequestRejectedError.malformed(`"${field}[${index}]" must be an object`);
      const { role, content } = message as Record<string, unknown>;
      if (typeof role !== 'string') throw RequestRejectedError.malformed(`"${field}[${index}].role" must be a string`);
      return { role, content: typeof content === 'string' ? content : '' };
    });
  },
};
