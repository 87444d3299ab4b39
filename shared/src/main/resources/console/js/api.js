// Every call to the gateway: JSON in and out, the session cookie (same origin only), errors as ApiError with the
// gateway's own message ({"error":{"message"}}).

export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

const listeners = new Set();
/** Called with no arguments whenever an API call answers 401 (the session ended). */
export function onUnauthorized(fn) {
  listeners.add(fn);
}

export async function api(method, path, body) {
  const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, `network error: ${e.message}`);
  }
  const text = res.status === 204 ? '' : await res.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = text;
    }
  }
  if (!res.ok) {
    const message = (data && data.error && data.error.message) || (typeof data === 'string' && data.slice(0, 200))
      || `${res.status} ${res.statusText}`;
    if (res.status === 401 && !path.endsWith('/login')) {
      listeners.forEach((fn) => fn());
    }
    throw new ApiError(res.status, message, data);
  }
  return data;
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body === undefined ? {} : body);
export const patch = (path, body) => api('PATCH', path, body);
export const del = (path) => api('DELETE', path);

/** `?a=1&b=x` from an object, leaving out empty values. */
export function qs(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
  }
  const s = u.toString();
  return s ? `?${s}` : '';
}

/** The `items` of a list answer (tolerates a bare array). */
export async function list(path) {
  const data = await get(path);
  if (Array.isArray(data)) return data;
  return (data && data.items) || [];
}
