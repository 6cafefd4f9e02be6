// The one HTTP client of the UI. It speaks the contract of docs/api.md:
// - JSON in and out, cookie session, X-CSRF-Token on unsafe methods;
// - problem+json failures become an ApiError (with field errors and request id);
// - a 401 on any call except the auth probes hands control to the session-expiry handler;
// - ETag / If-Match for optimistic concurrency (412 → ApiError with status 412);
// - a fetch that throws (server unreachable) becomes an ApiError with status 0 and a translated message.
import { API_BASE } from '@/config/env';
import { getLocale, translate } from '@/lib/i18n/i18n';

export type FieldError = { field: string; code: string; message: string };

export type Problem = {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  request_id?: string;
  errors?: FieldError[];
  current_version?: number;
  [key: string]: unknown;
};

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;
  readonly retryAfter: number | null;

  constructor(status: number, problem: Problem, retryAfter: number | null = null) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
    this.retryAfter = retryAfter;
  }

  /** Last path segment of the problem type, e.g. "locked-out", "precondition-failed". */
  get slug(): string {
    const type = this.problem.type ?? '';
    return type.slice(type.lastIndexOf('/') + 1);
  }

  get fieldErrors(): FieldError[] {
    return Array.isArray(this.problem.errors) ? this.problem.errors : [];
  }

  get requestId(): string | undefined {
    return this.problem.request_id;
  }
}

export function isApiError(e: unknown, status?: number): e is ApiError {
  return e instanceof ApiError && (status === undefined || e.status === status);
}

/** The request never got an answer: the server is down or unreachable (status 0). */
export function isNetworkError(e: unknown): boolean {
  return isApiError(e, 0);
}

type QueryValue = string | number | boolean | null | undefined;
export type QueryParams = Record<string, QueryValue | QueryValue[]>;

export type RequestOptions = {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: QueryParams;
  body?: unknown;
  /** Version number; sent as If-Match: "v<version>". */
  ifMatch?: number;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Do not route a 401 to the session-expiry handler (login, me). */
  allowUnauthenticated?: boolean;
};

export type ApiResponse<T> = { data: T; status: number; etag: string | null; headers: Headers };

let csrfToken: string | null = null;
let onUnauthenticated: (() => void) | null = null;

export function setCsrfToken(token: string | null) {
  csrfToken = token;
}

export function setUnauthenticatedHandler(handler: (() => void) | null) {
  onUnauthenticated = handler;
}

export function buildQuery(params?: QueryParams): string {
  if (!params) return '';
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) {
      if (v === undefined || v === null || v === '') continue;
      search.append(key, String(v));
    }
  }
  const s = search.toString();
  return s ? `?${s}` : '';
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export async function request<T>(path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  let body: BodyInit | undefined;
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  if (UNSAFE.has(method) && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  if (options.ifMatch !== undefined) headers['If-Match'] = `"v${options.ifMatch}"`;

  let response: Response;
  try {
    response = await fetch(`${API_BASE}${path}${buildQuery(options.query)}`, {
      method,
      headers,
      body,
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (e) {
    if ((e as Error)?.name === 'AbortError') throw e;
    // The browser's own text ("Failed to fetch", "NetworkError when attempting to fetch resource.")
    // means nothing to a user: every place that shows the error's detail shows this sentence instead.
    const text = translate(getLocale(), 'app.networkError');
    throw new ApiError(0, { title: text, detail: text });
  }

  if (!response.ok) {
    let problem: Problem = { status: response.status, title: response.statusText };
    const text = await response.text().catch(() => '');
    if (text) {
      try {
        problem = { ...problem, ...(JSON.parse(text) as Problem) };
      } catch {
        problem.detail = text.slice(0, 300);
      }
    }
    const ra = response.headers.get('Retry-After');
    const error = new ApiError(response.status, problem, ra !== null && ra !== '' ? Number(ra) : null);
    if (response.status === 401 && !options.allowUnauthenticated) onUnauthenticated?.();
    throw error;
  }

  let data: unknown = null;
  if (response.status !== 204) {
    const text = await response.text();
    data = text ? JSON.parse(text) : null;
  }
  return { data: data as T, status: response.status, etag: response.headers.get('ETag'), headers: response.headers };
}

export type Page<T> = { items: T[]; next_cursor: string | null };

export const api = {
  get: async <T>(path: string, query?: QueryParams, signal?: AbortSignal) =>
    (await request<T>(path, { query, signal })).data,
  post: async <T>(path: string, body?: unknown, extra?: Omit<RequestOptions, 'method' | 'body'>) =>
    (await request<T>(path, { ...extra, method: 'POST', body })).data,
  patch: async <T>(path: string, body: unknown, ifMatch?: number) =>
    (await request<T>(path, { method: 'PATCH', body, ifMatch })).data,
  delete: async (path: string, ifMatch?: number) => {
    await request<null>(path, { method: 'DELETE', ifMatch });
  },
};

/** New random key for Idempotency-Key on creates, so a retried POST creates nothing twice. */
export function idempotencyKey(): string {
  if (typeof crypto !== 'undefined' && 'randomUUID' in crypto) return crypto.randomUUID();
  return `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

// ---- The one error-notification policy -------------------------------------------------
// Field errors (422), version conflicts (412) and 401 (handled by the session-expiry redirect)
// are shown where they happen; everything else gets one toast with the request id. A network
// failure (status 0) always gets its toast, also for a form's mutation that shows its own errors
// (query-client.ts).
type ErrorReporter = (error: ApiError) => void;
let reporter: ErrorReporter | null = null;

export function setErrorReporter(r: ErrorReporter | null) {
  reporter = r;
}

export function shouldReport(error: unknown): error is ApiError {
  if (!(error instanceof ApiError)) return false;
  return ![401, 412, 422].includes(error.status);
}

export function reportError(error: unknown) {
  if (shouldReport(error)) reporter?.(error);
}
