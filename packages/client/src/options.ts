/** Options of {@link createClient}. */
export interface ClientOptions {
  /** The service's base URL, such as `http://127.0.0.1:3000`. */
  baseUrl: string;
  /** An API key, sent as `Authorization: Bearer <key>`. */
  apiKey?: string;
  /** Longest one attempt may take, in ms (default 30000). */
  timeoutMs?: number;
  /** Retries after a 503 (default 2); each waits the answer's `Retry-After`, at most `maxRetryDelayMs`. */
  retries?: number;
  /** Longest wait before a retry, in ms (default 5000); a longer `Retry-After` is cut to it. */
  maxRetryDelayMs?: number;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
  /** The fetch to use (default the global one). */
  fetch?: typeof fetch;
}

/** Defaults of {@link ClientOptions}. */
export const kDefaultClientOptions = { timeoutMs: 30_000, retries: 2, maxRetryDelayMs: 5_000 } as const;

/** Options after validation and defaults. */
export interface ResolvedClientOptions {
  baseUrl: string;
  apiKey: string | undefined;
  timeoutMs: number;
  retries: number;
  maxRetryDelayMs: number;
  headers: Record<string, string>;
  fetch: typeof fetch;
}

function checkInteger(options: ClientOptions, name: 'timeoutMs' | 'retries' | 'maxRetryDelayMs', min: number): number {
  const value = options[name] ?? kDefaultClientOptions[name];
  if (!Number.isInteger(value) || value < min) throw new RangeError(`options.${name} must be an integer >= ${min}`);
  return value;
}

/** Validates client options (errors name the option) and applies defaults. */
export function resolveClientOptions(options: ClientOptions): ResolvedClientOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object with baseUrl');
  let url: URL;
  try {
    url = new URL(options.baseUrl);
  } catch {
    throw new TypeError('options.baseUrl must be an absolute http(s) URL such as "http://127.0.0.1:3000"');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError('options.baseUrl must be an http: or https: URL');
  if (options.apiKey !== undefined && (typeof options.apiKey !== 'string' || options.apiKey === '')) throw new TypeError('options.apiKey must be a non-empty string');
  if (options.headers !== undefined && (typeof options.headers !== 'object' || options.headers === null || !Object.values(options.headers).every((v) => typeof v === 'string'))) {
    throw new TypeError('options.headers must be an object of strings');
  }
  const f = options.fetch ?? globalThis.fetch;
  if (typeof f !== 'function') throw new TypeError('options.fetch must be a function (no global fetch: Node 20 or later has one)');
  return {
    baseUrl: url.href.replace(/\/+$/, ''),
    apiKey: options.apiKey,
    timeoutMs: checkInteger(options, 'timeoutMs', 1),
    retries: checkInteger(options, 'retries', 0),
    maxRetryDelayMs: checkInteger(options, 'maxRetryDelayMs', 0),
    headers: { ...options.headers },
    fetch: f,
  };
}
