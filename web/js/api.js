// SPDX-License-Identifier: Apache-2.0
// api.js: every call the console makes to the HTTP API (docs/api.md). The session is the
// HttpOnly cookie the server sets at login (the page never sees it); the CSRF token from the
// login answer is kept in localStorage (this origin's pages only, shared by its tabs, so a
// second tab can make changes and sign out too) and sent in X-CSRF-Token with every
// state-changing call, as the server requires. Errors become ApiError with the server's text.

const CSRF_KEY = 'vigie.csrf';

export class ApiError extends Error {
  constructor(status, message, retryAfter, data) {
    super(message);
    this.status = status;
    this.retryAfter = retryAfter;
    this.data = data; // the answer's JSON, when it had one
  }
}

// Called with the ApiError when a call answers 401 (session ended): the app shows sign-in.
let onUnauthorized = () => {};
export function setUnauthorizedHandler(fn) {
  onUnauthorized = fn;
}

export async function call(method, path, body) {
  const headers = { Accept: 'application/json' };
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (method !== 'GET' && method !== 'HEAD') {
    headers['Content-Type'] = 'application/json';
    const csrf = localStorage.getItem(CSRF_KEY);
    if (csrf) headers['X-CSRF-Token'] = csrf;
    init.body = JSON.stringify(body ?? {});
  }
  const res = await fetch(path, init);
  let data = null;
  try {
    data = await res.json();
  } catch {
    data = null;
  }
  if (!res.ok) {
    let message = (data && data.error) || `HTTP ${res.status}`;
    if (res.status === 403 && /CSRF/.test(message))
      message = `${message}: this browser lost its sign-in token; sign out and in again`;
    const err = new ApiError(res.status, message, res.headers.get('Retry-After'), data);
    if (res.status === 401 && path !== '/api/v1/login') onUnauthorized(err);
    throw err;
  }
  return data;
}

export const get = (path) => call('GET', path);
export const post = (path, body) => call('POST', path, body);
export const patch = (path, body) => call('PATCH', path, body);
export const del = (path) => call('DELETE', path);

export async function login(name, password) {
  const data = await call('POST', '/api/v1/login', { name, password });
  localStorage.setItem(CSRF_KEY, data.csrf_token);
  return data.me;
}

export async function logout() {
  try {
    await call('POST', '/api/v1/logout', {});
  } finally {
    localStorage.removeItem(CSRF_KEY);
  }
}

// A query string from an object, values encoded.
export function query(params) {
  const parts = Object.entries(params)
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}
