export enum ProviderErrorCode {
  /** Connection refused, DNS failure, connection lost mid-stream, or an endpoint URL that cannot be used. */
  Unreachable = 'unreachable',
  /** The caller's signal aborted with a TimeoutError (AbortSignal.timeout). */
  Timeout = 'timeout',
  /** The server answered with an error status, or an error in the stream. */
  HttpError = 'http_error',
  /** The server answered something that is not the API's format. */
  BadResponse = 'bad_response',
  /** The server does not have the requested model. */
  ModelNotFound = 'model_not_found',
  /** The caller's signal aborted (a cancelled task). */
  Aborted = 'aborted',
}

/**
 * Why a call to an LLM endpoint failed. The message names the request
 * (method and URL, without credentials) and the cause; headers, and so API
 * keys, never appear in it.
 */
export class ProviderError extends Error {
  constructor(
    readonly code: ProviderErrorCode,
    message: string,
    readonly details: { readonly endpoint: string; readonly status?: number } ,
  ) {
    super(message);
    this.name = 'ProviderError';
  }

  /** Whether trying again later may succeed. */
  get retriable(): boolean {
    switch (this.code) {
      case ProviderErrorCode.Unreachable:
      case ProviderErrorCode.Timeout:
        return true;
      case ProviderErrorCode.HttpError:
        return this.details.status === undefined || this.details.status === 429 || this.details.status >= 500;
      case ProviderErrorCode.BadResponse:
      case ProviderErrorCode.ModelNotFound:
      case ProviderErrorCode.Aborted:
        return false;
    }
  }
}
