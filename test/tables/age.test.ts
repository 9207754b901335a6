import { test } from 'node:test';
import assert from 'node:assert/strict';
import { humanDuration, shortHumanDuration, translateTimestampSince } from '../../src/apiserver/tables/age.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;
const Y = 365 * D;

// Cases follow apimachinery's duration_test.go (TestHumanDuration).
const human: Array<[number, string]> = [
  [-2 * S, '<invalid>'],
  [-1999, '0s'],
  [-1 * S, '0s'],
  [-999, '0s'],
  [0, '0s'],
  [999, '0s'],
  [1 * S, '1s'],
  [45 * S, '45s'],
  [119 * S, '119s'],
  [2 * M, '2m'],
  [5 * M + 10 * S, '5m10s'],
  [9 * M + 59 * S, '9m59s'],
  [10 * M, '10m'],
  [10 * M + 59 * S, '10m'],
  [179 * M, '179m'],
  [3 * H, '3h'],
  [3 * H + 30 * M, '3h30m'],
  [7 * H + 59 * M, '7h59m'],
  [8 * H, '8h'],
  [47 * H + 59 * M, '47h'],
  [48 * H, '2d'],
  [2 * D + 3 * H, '2d3h'],
  [7 * D + 23 * H, '7d23h'],
  [8 * D, '8d'],
  [45 * D, '45d'],
  [2 * Y - D, '729d'],
  [2 * Y, '2y'],
  [2 * Y + 10 * D, '2y10d'],
  [8 * Y - D, '7y364d'],
  [8 * Y, '8y'],
  [100 * Y, '100y'],
];

test('humanDuration matches upstream HumanDuration', () => {
  for (const [ms, want] of human) assert.equal(humanDuration(ms), want, `${ms}ms`);
});

const short: Array<[number, string]> = [
  [-2 * S, '<invalid>'],
  [-1 * S, '0s'],
  [0, '0s'],
  [59 * S, '59s'],
  [60 * S, '1m'],
  [5 * M + 10 * S, '5m'],
  [59 * M, '59m'],
  [H, '1h'],
  [23 * H + 59 * M, '23h'],
  [D, '1d'],
  [364 * D, '364d'],
  [Y, '1y'],
  [3 * Y + 100 * D, '3y'],
];

test('shortHumanDuration matches upstream ShortHumanDuration', () => {
  for (const [ms, want] of short) assert.equal(shortHumanDuration(ms), want, `${ms}ms`);
});

test('translateTimestampSince: "<unknown>" for a missing timestamp, ages otherwise', () => {
  const now = new Date('2024-06-01T12:00:00Z');
  assert.equal(translateTimestampSince(undefined, now), '<unknown>');
  assert.equal(translateTimestampSince(null, now), '<unknown>');
  assert.equal(translateTimestampSince('', now), '<unknown>');
  assert.equal(translateTimestampSince('2024-06-01T11:55:00Z', now), '5m');
  assert.equal(translateTimestampSince('2024-06-01T11:59:59.500000Z', now), '0s');
  assert.equal(translateTimestampSince('2024-06-01T12:00:05Z', now), '<invalid>');
  assert.equal(translateTimestampSince('2024-05-30T09:00:00Z', now), '2d3h');
});
