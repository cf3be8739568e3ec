import { describe, expect, it } from 'vitest'
import { formatDuration, parseDuration } from '../../src/duration.js'

describe('parseDuration (Go time.ParseDuration)', () => {
  it.each([
    ['0', 0],
    ['500ms', 500],
    ['5s', 5000],
    ['1m30s', 90_000],
    ['1h', 3_600_000],
    ['1.5h', 5_400_000],
    ['2h45m10.5s', 9_910_500],
    ['.5s', 500],
    ['5.s', 5000],
    ['1500us', 1.5],
    ['1500µs', 1.5],
    ['1500μs', 1.5],
    ['2000000ns', 2],
    ['+3s', 3000],
    ['-3s', -3000],
    ['1s500ms', 1500],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBeCloseTo(ms, 9)
  })

  it.each([
    '',
    '5',
    '10',
    's',
    '.s',
    '1.5.5s',
    '5d',
    '5 s',
    ' 5s',
    '5s ',
    '1e3s',
    'ms',
    '-',
    '5S',
    'abc',
    '0x10s',
  ])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined()
  })
})

describe('formatDuration (Go Duration.String)', () => {
  it.each([
    [0, '0s'],
    [60_000, '1m0s'],
    [10_000, '10s'],
    [20_000, '20s'],
    [90_000, '1m30s'],
    [500, '500ms'],
    [1500, '1.5s'],
    [3_600_000, '1h0m0s'],
    [5_400_000, '1h30m0s'],
    [1.5, '1.5ms'],
    [0.5, '500µs'],
    [0.000_001, '1ns'],
    [-2000, '-2s'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text)
  })

  it('round-trips what it prints', () => {
    for (const ms of [1, 250, 999, 1000, 61_000, 3_599_999, 86_400_000]) {
      expect(parseDuration(formatDuration(ms))).toBeCloseTo(ms, 6)
    }
  })
})
