/**
 * A generation request answered with a 4xx before it was admitted: a malformed
 * body, a missing field, an unknown model. Each API renders it in its own
 * error shape; `code` is OpenAI's error code, when it has one.
 */
export class RequestRejectedError extends Error {
  constructor(
    readonly status: 400 | 404,
    message: string,
    readonly code?: 'model_not_found',
  ) {
    super(message);
    this.name = 'RequestRejectedError';
  }

  static malformed(message: string): RequestRejectedError {
    return new RequestRejectedError(400, message);
  }
}
