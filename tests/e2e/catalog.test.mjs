// Browser test of the public policy catalog (政策清单), the policy detail page and login.
//
// Run through tests/e2e/run.sh, which starts a demo server and sets ZHIDA_URL.
// By hand: ZHIDA_URL=http://127.0.0.1:8080 node --test tests/e2e/catalog.test.mjs
//
// Drives Debian's chromium (/usr/bin/chromium, or $ZHIDA_CHROMIUM) through
// playwright-core from web/node_modules; never downloads a browser.
// Screenshots go to $ZHIDA_E2E_ARTIFACTS (default: a new temporary directory).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(path.join(ROOT, 'web', 'package.json'));
const { chromium } = require('playwright-core');

const BASE = (process.env.ZHIDA_URL || '').replace(/\/+$/, '');
const USERNAME = process.env.ZHIDA_E2E_USER || 'officer';
const PASSWORD = process.env.ZHIDA_E2E_PASSWORD || 'e2e-pass-123';
const CHROMIUM = process.env.ZHIDA_CHROMIUM || '/usr/bin/chromium';
const ARTIFACTS = process.env.ZHIDA_E2E_ARTIFACTS || fs.mkdtempSync(path.join(os.tmpdir(), 'zhida-e2e-artifacts-'));
const QUERY = '研发';
const TIMEOUT = 20_000;

fs.mkdirSync(ARTIFACTS, { recursive: true });
const profiles = [];
const contexts = [];

before(() => {
  assert.ok(BASE, 'ZHIDA_URL must point at a running `zhida serve` (see tests/e2e/run.sh)');
  assert.ok(fs.existsSync(CHROMIUM), `chromium not found at ${CHROMIUM} (apt-get install chromium)`);
  console.log(`ZHIDA_URL=${BASE}`);
  console.log(`screenshots: ${ARTIFACTS}`);
});

after(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  for (const dir of profiles) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh browser with its own new profile directory (--user-data-dir). */
async function launch(options = {}) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'zhida-e2e-profile-'));
  profiles.push(profile);
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 1280, height: 900 },
    ...options,
  });
  contexts.push(context);
  context.setDefaultTimeout(TIMEOUT);
  return context;
}

// The desktop tests share one browser (starting chromium is the slow part on a
// busy 2-core machine); the phone test has its own, with a touch screen.
let desktop = null;

/** A new page (tab) and the list of uncaught page errors it collects. */
async function openPage(options) {
  let context;
  if (options) context = await launch(options);
  else context = await (desktop ||= launch());
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`uncaught error in the page: ${e.message}`));
  // A resource the Content-Security-Policy blocks (e.g. an inlined icon font) breaks the page
  // silently: treat it as a failure too.
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) {
      problems.push(`blocked by the Content-Security-Policy: ${m.text()}`);
    }
  });
  return { page, problems };
}

async function shot(page, name) {
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`screenshot ${file}`);
}

/** The id of the demo policy titled `title`, found through the catalog API. */
async function policyIdOf(title) {
  const found = await (await fetch(`${BASE}/api/v1/policies?q=${encodeURIComponent(title)}`)).json();
  const policy = found.items.find((p) => p.title === title);
  assert.ok(policy, `the demo has ${title}`);
  return policy.id;
}

/** Waits for the catalog request the page makes for `q` (the URL encodes it). */
function waitForSearch(page, q) {
  return page.waitForResponse((r) => {
    const u = new URL(r.url());
    return u.pathname === '/api/v1/policies' && u.searchParams.get('q') === q;
  });
}

/**
 * Texts of the visible result cards (title, summary, basis, …), after the list has
 * settled; the card's own note on where else the keyword matched is left out.
 */
async function cardTexts(page) {
  await page.locator('[data-testid="policy-card"]').first().waitFor({ state: 'visible' });
  await page.waitForFunction(() => !document.querySelector('.is-refreshing, [aria-busy="true"]'));
  return page.locator('[data-testid="policy-card"]').evaluateAll((cards) => cards.map((card) => {
    const copy = card.cloneNode(true);
    copy.querySelectorAll('[data-testid="match-note"]').forEach((n) => n.remove());
    return copy.textContent.replace(/\s+/g, ' ');
  }));
}

/**
 * Every result must mention the query. The card shows title, summary and basis;
 * the API also searches 享受主体 (beneficiaries), so a card that does not show the
 * word is checked against its policy's full record.
 */
async function assertAllMention(page, q) {
  const cards = page.locator('[data-testid="policy-card"]');
  const texts = await cardTexts(page);
  assert.ok(texts.length > 0, `searching “${q}” lists at least one policy`);
  let elsewhere = 0;
  for (let i = 0; i < texts.length; i++) {
    if (texts[i].includes(q)) continue;
    elsewhere++;
    const id = await cards.nth(i).getAttribute('data-policy-id');
    const res = await page.request.get(`${BASE}/api/v1/policies/${id}`);
    assert.equal(res.status(), 200, `policy ${id} opens`);
    const full = await res.json();
    const hay = [full.title, full.summary, full.beneficiaries, ...(full.basis || []).map((b) => `${b.document} ${b.article || ''}`)].join('\n');
    assert.ok(hay.includes(q), `result ${i + 1} (policy ${id}) mentions “${q}”:\n${texts[i]}`);
  }
  if (elsewhere) console.log(`${elsewhere} of ${texts.length} results mention “${q}” only in 享受主体 (checked on the full policy)`);
  return texts.length;
}

test('catalog: search 研发, open a policy, see its conditions and basis', async () => {
  const { page, problems } = await openPage();
  await page.goto(`${BASE}/`);

  // The catalog page itself.
  await page.locator('[data-testid="policy-card"]').first().waitFor();
  assert.match(await page.title(), /政策清单/);
  assert.match(await page.title(), /直达/);
  await assert.doesNotReject(page.locator('header').getByText('泉州惠企政策直达平台').waitFor());
  const countText = await page.locator('[data-testid="result-count"]').innerText();
  const total = Number((/共\s*(\d+)\s*条/.exec(countText) || [])[1]);
  assert.ok(total > 0, `the catalog lists policies (“${countText}”)`);
  const search = page.getByRole('textbox', { name: '搜索政策' });
  assert.match(await search.getAttribute('placeholder'), /研发/);
  await shot(page, 'catalog');

  // Search 研发.
  await search.fill(QUERY);
  const searched = waitForSearch(page, QUERY);
  await search.press('Enter');
  const response = await searched;
  assert.equal(response.status(), 200);
  await page.waitForURL((u) => new URL(u).searchParams.get('q') === QUERY);
  const n = await assertAllMention(page, QUERY);
  const searchCount = await page.locator('[data-testid="result-count"]').innerText();
  assert.match(searchCount, /共\s*\d+\s*条/);
  console.log(`“${QUERY}”: ${n} results shown, ${searchCount}`);
  await shot(page, 'search');

  // Open the first result.
  const first = page.locator('[data-testid="policy-card"]').first();
  const title = (await first.locator('[data-testid="policy-link"]').innerText()).trim();
  await first.locator('[data-testid="policy-link"]').click();
  await page.waitForURL(/\/policies\/\d+/);
  const h1 = page.locator('[data-testid="policy-title"]');
  await h1.waitFor();
  assert.equal((await h1.innerText()).trim(), title);
  assert.match(await page.title(), new RegExp(title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  for (const heading of ['政策概要', '申报条件', '奖补标准', '政策依据', '申报指南', '申报材料', '办理流程', '版本记录']) {
    await assert.doesNotReject(
      page.getByRole('heading', { name: heading, exact: true }).waitFor(),
      `the detail page has a “${heading}” section`,
    );
  }
  const rule = (await page.locator('[data-testid="eligibility-rule"]').innerText()).trim();
  assert.ok(rule.length > 0, '申报条件 shows the rule text');
  const basis = await page.locator('#sec-basis').locator('xpath=..').innerText();
  assert.match(basis, /〔\d{4}〕|号/, '政策依据 names a document');
  await shot(page, 'detail');

  // The back link returns to the same search.
  await page.getByTestId('back-link').click();
  await page.waitForURL((u) => new URL(u).searchParams.get('q') === QUERY);
  await cardTexts(page);

  assert.deepEqual(problems, []);
});

test('a policy with parameters lists each value with its date and basis', async () => {
  const { page, problems } = await openPage();
  // The demo's 企业研发经费投入奖补 names its threshold, rate and cap as parameters.
  await page.goto(`${BASE}/policies/${await policyIdOf('企业研发经费投入奖补')}`);
  await page.getByRole('heading', { name: '政策参数', exact: true }).waitFor();
  const section = page.getByTestId('parameters');
  const text = await section.innerText();
  assert.match(text, /研发经费增加额奖补比例/);
  assert.match(text, /rate_rd/);
  assert.match(text, /0\.06\s*现行/);
  assert.match(text, /200 万元/, 'an amount parameter reads in 万元');
  assert.match(text, /自2025年10月1日起/);
  assert.match(text, /依据 .*若干措施/);
  await section.scrollIntoViewIfNeeded();
  await shot(page, 'detail-parameters');
  assert.deepEqual(problems, []);
});

test('catalog at phone width (390×844): search and see results', async () => {
  const { page, problems } = await openPage({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 2,
  });
  await page.goto(`${BASE}/policies`);
  await page.locator('[data-testid="policy-card"]').first().waitFor();
  const search = page.locator('input[type="search"]');
  await search.waitFor();
  assert.ok(await page.locator('.van-dropdown-menu').isVisible(), 'the phone layout shows the filter menu');
  await search.fill(QUERY);
  const searched = waitForSearch(page, QUERY);
  await search.press('Enter');
  assert.equal((await searched).status(), 200);
  await assertAllMention(page, QUERY);
  // Nothing may stick out sideways on a phone.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `page fits the phone width (overflow ${overflow}px)`);
  await page.screenshot({ path: path.join(ARTIFACTS, 'phone-search.png') });
  console.log(`screenshot ${path.join(ARTIFACTS, 'phone-search.png')}`);
  assert.deepEqual(problems, []);
});

test('login as officer shows the name in the header; logout', async () => {
  const { page, problems } = await openPage();
  await page.goto(`${BASE}/login`);
  const user = page.getByLabel('用户名');
  const pass = page.getByLabel('密码', { exact: true });

  // A wrong password: the API's message is shown.
  await user.fill(USERNAME);
  await pass.fill(`${PASSWORD}-wrong`);
  await page.getByTestId('login-submit').click();
  const err = page.getByTestId('login-error');
  await err.waitFor();
  assert.ok((await err.innerText()).trim().length > 0, 'a failed login shows a message');

  await pass.fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  const who = page.getByTestId('current-user');
  await who.waitFor();
  const me = await (await page.request.get(`${BASE}/api/v1/auth/me`)).json();
  assert.equal(me.user.username, USERNAME);
  const shown = (await who.innerText()).trim();
  assert.equal(shown, me.user.display_name || me.user.username);
  await page.waitForURL((u) => new URL(u).pathname !== '/login');
  await cardTexts(page);
  await shot(page, 'logged-in');

  // The session survives a reload (HttpOnly cookie + GET /auth/me).
  await page.reload();
  await who.waitFor();
  assert.equal((await who.innerText()).trim(), shown);

  await page.getByRole('button', { name: '退出' }).click();
  await page.locator('header').getByRole('link', { name: '登录' }).waitFor();
  assert.equal((await page.request.get(`${BASE}/api/v1/auth/me`)).status(), 401);
  assert.deepEqual(problems, []);
});

test('an enterprise user sees its matches at phone width and estimates a policy', async () => {
  const { page, problems } = await openPage({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 2,
  });
  await page.goto(`${BASE}/login?redirect=/matches`);
  await page.getByLabel('用户名').fill('ent1');
  await page.getByLabel('密码', { exact: true }).fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.waitForURL((u) => new URL(u).pathname === '/matches');
  const summary = page.getByTestId('matches-summary');
  await summary.waitFor();
  assert.match(await summary.innerText(), /项可享受/);
  // The demo's ent1 (a small property manager in 晋江) misses several policies by one condition.
  const near = page.getByTestId('matches-near');
  const nearText = await near.innerText();
  assert.match(nearText, /还差|须为/, 'a near miss says what is missing');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `the matches page fits the phone width (overflow ${overflow}px)`);
  await shot(page, 'phone-matches');

  // The first near miss, explained for the enterprise's own data.
  await near.locator('a').first().click();
  await page.waitForURL(/\/policies\/\d+/);
  await page.getByTestId('estimate-button').click();
  const result = page.getByTestId('estimate-result');
  await result.waitFor();
  const lines = await result.innerText();
  assert.match(lines, /暂不符合/);
  assert.match(lines, /【不满足】/, 'the failed condition is named');
  assert.match(lines, /【满足】/, 'the conditions held are listed too');
  await shot(page, 'phone-estimate');
  assert.deepEqual(problems, []);
});

test('the public calculator asks for what the policy needs, then explains the result', async () => {
  const { page, problems } = await openPage();
  await page.goto(`${BASE}/policies/${await policyIdOf('纳税贡献奖励')}`);
  const calc = page.getByTestId('calculator');
  await page.getByTestId('calculator-run').click();
  await page.getByTestId('calculator-result').waitFor();
  assert.match(await page.getByTestId('calculator-result').innerText(), /还需填写数据/);
  // The form now asks for exactly the facts the rules read.
  for (const label of ['上年度纳税额', '前年度纳税额', '所在地区', '纳税信用等级', '失信被执行人']) {
    assert.ok(await calc.getByText(label, { exact: false }).first().isVisible(), `asks for ${label}`);
  }
  await page.locator('#calc-tax_paid').fill('6,000,000');
  await page.locator('#calc-tax_paid_prev').fill('5000000.00');
  await calc.getByLabel('否').check();
  await page.locator('#calc-region').selectOption({ label: '晋江市' });
  await page.locator('#calc-tax_credit_grade').selectOption('A');
  await page.getByTestId('calculator-run').click();
  const error = page.getByTestId('calculator-error');
  await error.waitFor();
  assert.match(await error.innerText(), /上年度纳税额/, 'a bad figure is named');
  await page.locator('#calc-tax_paid').fill('6000000.00');
  await page.getByTestId('calculator-run').click();
  await page.waitForFunction(() => /预计奖补/.test(
    (document.querySelector('[data-testid="calculator-result"]') || {}).innerText || ''));
  const text = await page.getByTestId('calculator-result').innerText();
  assert.match(text, /符合条件/);
  assert.match(text, /100,000\.00 元/, 'the award of the 5,000,000–10,000,000 band');
  await calc.scrollIntoViewIfNeeded();
  await shot(page, 'calculator');
  assert.deepEqual(problems, []);
});

test('an unknown policy shows the API message', async () => {
  const { page, problems } = await openPage();
  const res = await page.request.get(`${BASE}/api/v1/policies/999999999`);
  assert.equal(res.status(), 404);
  const body = await res.json();
  await page.goto(`${BASE}/policies/999999999`);
  const box = page.getByTestId('detail-error');
  await box.waitFor();
  assert.ok((await box.innerText()).includes(body.error.message), 'the page shows the API error message');
  assert.deepEqual(problems, []);
});
