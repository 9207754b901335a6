/**
 * The resize stream as Go's json.Decoder reads it: concatenated objects,
 * split or joined anywhere, keys in any case; bad bytes are a typed error.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ResizeDecodeError, ResizeDecoder, encodeTerminalSize } from '../../../../src/api/httpstream/remotecommand/resize.js';

test('objects split across chunks and several per chunk', () => {
  const d = new ResizeDecoder();
  const wire = Buffer.concat([encodeTerminalSize({ width: 80, height: 24 }), encodeTerminalSize({ width: 100, height: 40 })]);
  assert.equal(wire.toString(), '{"Width":80,"Height":24}\n{"Width":100,"Height":40}\n');
  assert.deepEqual(d.push(wire.subarray(0, 10)), []);
  assert.deepEqual(d.push(wire.subarray(10, 30)), [{ width: 80, height: 24 }]);
  assert.deepEqual(d.push(wire.subarray(30)), [{ width: 100, height: 40 }]);
  assert.deepEqual(d.push(' {"width":1,"HEIGHT":2}{"Width":3,"Height":4,"x":"}"}'), [{ width: 1, height: 2 }, { width: 3, height: 4 }]);
});

test('bad input is a ResizeDecodeError and the decoder stays failed', () => {
  for (const bad of ['[1,2]', '{"Width":-1,"Height":2}', '{"Width":70000,"Height":2}', '{"Width":"80"}', '{"Width":1,}']) {
    const d = new ResizeDecoder();
    assert.throws(() => d.push(bad), ResizeDecodeError, bad);
    assert.throws(() => d.push('{"Width":1,"Height":1}'), ResizeDecodeError);
  }
});
