// Unit tests for src/api.js with a stubbed fetch — run with `npm test`.
import test from 'node:test';
import assert from 'node:assert/strict';

globalThis.window = { location: { origin: 'http://127.0.0.1:8080' } };
const { request, api, ApiError, errorMessage } = await import('./api.js');

function stubFetch(handler) {
  const calls = [];
  globalThis.fetch = async (url, init) => {
    calls.push({ url, init });
    return handler(url, init);
  };
  return calls;
}
const reply = (status, body) => new Response(typeof body === 'string' ? body : JSON.stringify(body), { status });

test('query parameters: empty values are left out, Chinese is encoded', async () => {
  const calls = stubFetch(() => reply(200, { items: [], total: 0, page: 1, size: 20 }));
  await api.listPolicies({ q: '研发', region: '', mode: undefined, dept: null, page: 2 });
  const u = new URL(calls[0].url, 'http://x');
  assert.equal(u.pathname, '/api/v1/policies');
  assert.equal(u.searchParams.get('q'), '研发');
  assert.equal(u.searchParams.get('page'), '2');
  assert.equal(u.searchParams.has('region'), false);
  assert.equal(u.searchParams.has('mode'), false);
  assert.equal(u.searchParams.has('dept'), false);
  assert.equal(calls[0].init.credentials, 'same-origin');
});

test('POST sends JSON', async () => {
  const calls = stubFetch(() => reply(200, { user: { username: 'officer' } }));
  const data = await api.login('officer', 'secret');
  assert.equal(data.user.username, 'officer');
  assert.equal(calls[0].init.method, 'POST');
  assert.equal(calls[0].init.headers['Content-Type'], 'application/json');
  assert.deepEqual(JSON.parse(calls[0].init.body), { username: 'officer', password: 'secret' });
});

test('the server error message reaches the user', async () => {
  stubFetch(() => reply(404, { error: { code: 'policy.not_found', message: '政策不存在或尚未发布' } }));
  await assert.rejects(api.getPolicy(99), (e) => {
    assert.ok(e instanceof ApiError);
    assert.equal(e.status, 404);
    assert.equal(e.code, 'policy.not_found');
    assert.equal(e.message, '政策不存在或尚未发布');
    assert.equal(errorMessage(e), '政策不存在或尚未发布');
    return true;
  });
  stubFetch(() => reply(400, { error: { code: 'request.invalid', message: '每页条数不能超过100', field: 'size' } }));
  await assert.rejects(request('GET', '/policies'), (e) => e.field === 'size');
});

test('failures without an error body get a Chinese message', async () => {
  stubFetch(() => reply(502, '<html>Bad Gateway</html>'));
  await assert.rejects(request('GET', '/regions'), (e) => e.status === 502 && /服务暂时不可用/.test(e.message));
  stubFetch(() => { throw new TypeError('Failed to fetch'); });
  await assert.rejects(request('GET', '/regions'), (e) => e.status === 0 && e.code === 'network' && /网络/.test(e.message));
  stubFetch(() => reply(200, 'not json'));
  await assert.rejects(request('GET', '/regions'), (e) => e.code === 'bad_response');
  assert.equal(errorMessage(new Error('x')), '操作失败，请稍后再试');
});

test('an aborted request stays an AbortError', async () => {
  stubFetch(() => { throw new DOMException('aborted', 'AbortError'); });
  await assert.rejects(request('GET', '/policies'), (e) => e.name === 'AbortError');
});

test('matches and explain: the uscc and id are encoded into the path; explain posts its body', async () => {
  const calls = stubFetch(() => reply(200, { eligible: [] }));
  await api.matches('91350582000681547R');
  assert.equal(calls[0].url, '/api/v1/enterprises/91350582000681547R/matches');
  assert.equal(calls[0].init.method, 'GET');
  await api.explain('10', { uscc: '91350582000681547R' });
  assert.equal(calls[1].url, '/api/v1/policies/10/explain');
  assert.equal(calls[1].init.method, 'POST');
  assert.deepEqual(JSON.parse(calls[1].init.body), { uscc: '91350582000681547R' });
  await api.matches('a/b');
  assert.equal(calls[2].url, '/api/v1/enterprises/a%2Fb/matches');
});
