// Unit tests for src/format.js — run with `npm test` (node --test src/).
import test from 'node:test';
import assert from 'node:assert/strict';
import {
  parseDecimal, formatYuan, formatAmount, formatCap, formatDate, formatRange,
  formatDateTime, todayInBeijing, inRange, formatBasis, paragraphs, highlight, telHref,
  formatParameterValue, versionInForce,
} from './format.js';

test('parseDecimal accepts decimal strings only', () => {
  assert.deepEqual(parseDecimal('500000.00'), { negative: false, int: '500000', frac: '' });
  assert.deepEqual(parseDecimal('007.50'), { negative: false, int: '7', frac: '5' });
  assert.deepEqual(parseDecimal('-0.00'), { negative: false, int: '0', frac: '' });
  assert.equal(parseDecimal('1e5'), null);
  assert.equal(parseDecimal(''), null);
  assert.equal(parseDecimal(500000), null);
  assert.equal(parseDecimal('12,000'), null);
});

test('formatAmount uses 万元 and 亿元 by moving the decimal point', () => {
  assert.equal(formatAmount('500000.00'), '50 万元');
  assert.equal(formatAmount('125000.00'), '12.5 万元');
  assert.equal(formatAmount('10000.00'), '1 万元');
  assert.equal(formatAmount('12345.67'), '12,345.67 元');
  assert.equal(formatAmount('12345600.00'), '1234.56 万元');
  assert.equal(formatAmount('3000.00'), '3,000 元');
  assert.equal(formatAmount('1234.5'), '1,234.50 元');
  assert.equal(formatAmount('0.00'), '0 元');
  assert.equal(formatAmount('99999999.99'), '99,999,999.99 元');
  assert.equal(formatAmount('200000000.00'), '2 亿元');
  assert.equal(formatAmount('150000000'), '1.5 亿元');
  // Far beyond 2^53: still exact.
  assert.equal(formatAmount('900719925474099312300.00'), '90071992547409931.23 万元');
  assert.equal(formatAmount('900719925474099312345.67'), '900,719,925,474,099,312,345.67 元');
  assert.equal(formatAmount('123456780000.00'), '1234.5678 亿元');
  assert.equal(formatAmount('-500000.00'), '-50 万元');
  assert.equal(formatAmount('abc'), '—');
});

test('formatCap reads 最高 … and is empty without a cap', () => {
  assert.equal(formatCap('500000.00'), '最高 50 万元');
  assert.equal(formatCap('1000000.00'), '最高 100 万元');
  assert.equal(formatCap(null), '');
  assert.equal(formatCap(undefined), '');
  assert.equal(formatCap('n/a'), '');
});

test('formatYuan keeps two decimals and groups thousands', () => {
  assert.equal(formatYuan('12345.6'), '12,345.60 元');
  assert.equal(formatYuan('1000000'), '1,000,000.00 元');
  assert.equal(formatYuan('0.05'), '0.05 元');
  assert.equal(formatYuan('x'), '—');
});

test('dates', () => {
  assert.equal(formatDate('2024-01-05'), '2024年1月5日');
  assert.equal(formatDate(''), '—');
  assert.equal(formatDate(null), '—');
  assert.equal(formatRange({ from: '2024-01-01', to: '2026-12-31' }), '2024年1月1日 至 2026年12月31日');
  assert.equal(formatRange({ from: '2024-01-01', to: null }), '2024年1月1日 起长期有效');
  assert.equal(formatRange(null), '—');
  assert.equal(formatDateTime('2026-01-05T02:00:00Z'), '2026-01-05 10:00');
  assert.equal(formatDateTime('2026-12-31T17:30:00Z'), '2027-01-01 01:30');
  assert.equal(todayInBeijing(new Date('2026-11-30T16:30:00Z')), '2026-12-01');
  assert.equal(todayInBeijing(new Date('2026-11-30T15:59:00Z')), '2026-11-30');
  assert.equal(inRange({ from: '2024-01-01', to: '2026-12-31' }, '2026-12-31'), true);
  assert.equal(inRange({ from: '2024-01-01', to: '2026-12-31' }, '2027-01-01'), false);
  assert.equal(inRange({ from: '2024-01-01', to: null }, '2099-01-01'), true);
});

test('basis, paragraphs, tel links', () => {
  assert.equal(formatBasis({ document: '泉政文〔2021〕12号', article: '第三条' }), '泉政文〔2021〕12号 第三条');
  assert.equal(formatBasis({ document: '闽政〔2022〕1号' }), '闽政〔2022〕1号');
  assert.deepEqual(paragraphs('一、条件\n\n二、材料\r\n'), ['一、条件', '二、材料']);
  assert.equal(telHref('0595-2250 0000'), 'tel:0595-22500000');
});

test('highlight splits text around matches without HTML', () => {
  assert.deepEqual(highlight('企业研发经费投入奖补', '研发'), [
    { text: '企业', hit: false }, { text: '研发', hit: true }, { text: '经费投入奖补', hit: false },
  ]);
  assert.deepEqual(highlight('<b>研发</b>', '研发')[1], { text: '研发', hit: true });
  assert.deepEqual(highlight('abc', ''), [{ text: 'abc', hit: false }]);
  assert.deepEqual(highlight('a(b)c', '(b)'), [
    { text: 'a', hit: false }, { text: '(b)', hit: true }, { text: 'c', hit: false },
  ]);
});

test('policy parameters: values by unit and type, and the value in force on a day', () => {
  assert.equal(formatParameterValue('2000000.00', { unit: '元' }), '200 万元');
  assert.equal(formatParameterValue('0.06'), '0.06');
  assert.equal(formatParameterValue('30', { unit: '人', type: 'int' }), '30 人');
  assert.equal(formatParameterValue('true', { type: 'bool' }), '是');
  assert.equal(formatParameterValue('2025-10-01', { type: 'date' }), '2025年10月1日');
  assert.equal(formatParameterValue(''), '—');
  const versions = [{ from: '2024-01-01', value: '0.10' }, { from: '2026-07-01', value: '0.12' }];
  assert.equal(versionInForce(versions, '2023-12-31'), -1);
  assert.equal(versionInForce(versions, '2024-01-01'), 0);
  assert.equal(versionInForce(versions, '2026-06-30'), 0);
  assert.equal(versionInForce(versions, '2026-07-01'), 1);
  assert.equal(versionInForce(undefined, '2026-07-01'), -1);
});
