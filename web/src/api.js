// A small fetch wrapper for Zhida's JSON API (/api/v1/…).
//
// Every failure becomes an ApiError whose `message` is fit to show to a user:
// the server's own {"error":{"code","message","field"}} when it sends one,
// otherwise a Chinese description of what went wrong.

export const API_BASE = '/api/v1';

export class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message);
    this.name = 'ApiError';
    this.status = status; // HTTP status, 0 for network failures
    this.code = code; // machine code, e.g. "policy.not_found"
    this.field = field || null;
  }
}

function buildUrl(path, query) {
  const url = new URL(API_BASE + path, window.location.origin);
  if (query) {
    for (const [k, v] of Object.entries(query)) {
      if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, String(v));
    }
  }
  return url.pathname + url.search;
}

function fallbackMessage(status) {
  if (status === 401) return '请先登录';
  if (status === 403) return '没有权限执行此操作';
  if (status === 404) return '请求的内容不存在';
  if (status === 413) return '提交的内容过大';
  if (status === 429) return '请求过于频繁，请稍后再试';
  if (status >= 500) return `服务暂时不可用，请稍后再试（HTTP ${status}）`;
  return `请求失败（HTTP ${status}）`;
}

/**
 * request('GET', '/policies', {query: {q: '研发'}}) → parsed JSON.
 * Options: query (object), body (JSON-serialisable), signal (AbortSignal).
 */
export async function request(method, path, { query, body, signal } = {}) {
  const headers = { Accept: 'application/json', 'Accept-Language': 'zh-CN' };
  const init = { method, headers, credentials: 'same-origin', signal };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(buildUrl(path, query), init);
  } catch (e) {
    if (e && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network', '网络连接失败，请检查网络后重试');
  }
  const text = await res.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    const err = data && data.error;
    if (err && err.message) throw new ApiError(res.status, err.code || 'error', err.message, err.field);
    throw new ApiError(res.status, `http.${res.status}`, fallbackMessage(res.status));
  }
  if (text && data === null) {
    throw new ApiError(res.status, 'bad_response', '服务返回的数据无法识别，请稍后再试');
  }
  return data;
}

export const api = {
  listPolicies: (query, signal) => request('GET', '/policies', { query, signal }),
  getPolicy: (id, signal) => request('GET', `/policies/${encodeURIComponent(id)}`, { signal }),
  regions: () => request('GET', '/regions'),
  fields: () => request('GET', '/fields'),
  departments: (region) => request('GET', '/departments', { query: { region } }),
  login: (username, password) => request('POST', '/auth/login', { body: { username, password } }),
  logout: () => request('POST', '/auth/logout', { body: {} }),
  me: () => request('GET', '/auth/me'),
  matches: (uscc, signal) =>
    request('GET', `/enterprises/${encodeURIComponent(uscc)}/matches`, { signal }),
  explain: (id, body, signal) =>
    request('POST', `/policies/${encodeURIComponent(id)}/explain`, { body, signal }),
};

/** A user-facing message for any thrown value. */
export function errorMessage(e) {
  if (e instanceof ApiError) return e.message;
  return '操作失败，请稍后再试';
}
