import type { IODescriptor } from './io-descriptor';
import { createServiceError } from './errors';

/** Options of {@link text}. */
export interface TextOptions {
  /** Example body for the OpenAPI document. */
  example?: string;
}

/**
 * A `text/plain` body (UTF-8). As an input the handler receives the string; as an output the
 * handler must return a string (anything else is a 500 `MLS_ERR_IO_OUTPUT`).
 */
export function text(options: TextOptions = {}): IODescriptor<string> {
  if (options.example !== undefined && typeof options.example !== 'string') throw new TypeError('options.example must be a string');
  return {
    kind: 'text',
    mediaType: 'text/plain',
    example: options.example,
    schema: () => ({ type: 'string' }),
    acceptsMediaType: (mediaType) => mediaType === 'text/plain',
    decodeRaw: (raw) => ({ value: raw, single: false }),
    decode: (value) => ({ value: typeof value === 'string' ? value : String(value ?? ''), single: false }),
    encode: (result) => {
      if (typeof result !== 'string') {
        throw createServiceError('MLS_ERR_IO_OUTPUT', `The API's output is text() but the handler returned ${result === null ? 'null' : typeof result}`);
      }
      return result;
    },
  };
}
