import { RivuletError } from '../errors.js';

/** Spark's output modes. */
export type OutputMode = 'append' | 'update' | 'complete';

export function parseOutputMode(mode: string): OutputMode {
  const m = mode.toLowerCase();
  if (m === 'append' || m === 'update' || m === 'complete') return m;
  throw new RivuletError(
    'STREAMING_OUTPUT_MODE.INVALID',
    `Invalid streaming output mode: ${mode}. Accepted output modes are 'append', 'complete' and 'update'.`,
  );
}
