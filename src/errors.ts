/**
 * Every error rivulet raises on purpose. `errorClass` is a stable, Spark-style code
 * ('UNRESOLVED_COLUMN', 'PARSE_SYNTAX_ERROR', ...) that will not change between releases;
 * the message names the column, operator or option at fault.
 */
export class RivuletError extends Error {
  readonly errorClass: string;
  readonly messageParameters: Readonly<Record<string, string>>;

  constructor(
    errorClass: string,
    message: string,
    options: { cause?: unknown; parameters?: Record<string, string> } = {},
  ) {
    super(`[${errorClass}] ${message}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RivuletError';
    this.errorClass = errorClass;
    this.messageParameters = options.parameters ?? {};
  }
}

export function isRivuletError(e: unknown): e is RivuletError {
  return e instanceof RivuletError;
}
