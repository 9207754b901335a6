/**
 * The SPDY/3 codec without a peer: every frame type round-trips through the
 * serializer and the incremental parser however the bytes are chunked; bad
 * frames are SpdyProtocolErrors; header blocks survive one zlib stream per
 * direction across several blocks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameParser, SpdyProtocolError, serializeFrame, type Frame } from '../../../../src/api/httpstream/spdy/frames.js';
import {
  HeaderCompressor, HeaderDecompressor, SPDY3_DICTIONARY, decodeHeaderBlock, encodeHeaderBlock,
} from '../../../../src/api/httpstream/spdy/header-block.js';

const FRAMES: Frame[] = [
  { type: 'syn_stream', streamId: 1, associatedToStreamId: 0, priority: 3, fin: false, unidirectional: true, headerBlock: Buffer.from('abc') },
  { type: 'syn_reply', streamId: 1, fin: true, headerBlock: Buffer.from('xyz') },
  { type: 'data', streamId: 1, fin: false, data: Buffer.from('hello') },
  { type: 'data', streamId: 3, fin: true, data: Buffer.alloc(0) },
  { type: 'rst_stream', streamId: 5, status: 5 },
  { type: 'settings', settings: [{ flags: 1, id: 7, value: 65536 }, { flags: 0, id: 4, value: 100 }] },
  { type: 'ping', id: 0xfffffffe },
  { type: 'goaway', lastGoodStreamId: 9, status: 0 },
  { type: 'headers', streamId: 7, fin: false, headerBlock: Buffer.from('h') },
  { type: 'window_update', streamId: 1, deltaWindowSize: 1000 },
];

test('every frame round-trips, whole, byte by byte, and several per chunk', () => {
  const bytes = Buffer.concat(FRAMES.map(serializeFrame));
  assert.deepEqual(new FrameParser().push(bytes), FRAMES);
  const parser = new FrameParser();
  const oneByOne: Frame[] = [];
  for (const b of bytes) oneByOne.push(...parser.push(Buffer.from([b])));
  assert.deepEqual(oneByOne, FRAMES);
  assert.equal(parser.buffered, 0);
  const split = new FrameParser();
  const cut = 13;
  assert.deepEqual([...split.push(bytes.subarray(0, cut)), ...split.push(bytes.subarray(cut))], FRAMES);
});

test('wire bytes match SPDY/3: control header 0x8003, flags, 24-bit length; data header', () => {
  assert.equal(serializeFrame({ type: 'ping', id: 1 }).toString('hex'), '800300060000000400000001');
  assert.equal(serializeFrame({ type: 'rst_stream', streamId: 3, status: 5 }).toString('hex'), '80030003000000080000000300000005');
  assert.equal(serializeFrame({ type: 'data', streamId: 1, fin: true, data: Buffer.from('a') }).toString('hex'), '000000010100000161');
  assert.equal(serializeFrame({ type: 'goaway', lastGoodStreamId: 2, status: 0 }).toString('hex'), '80030007000000080000000200000000');
});

test('control frames of unknown type are skipped', () => {
  const noop = Buffer.from('8003000500000000', 'hex');
  const ping = serializeFrame({ type: 'ping', id: 3 });
  assert.deepEqual(new FrameParser().push(Buffer.concat([noop, ping])), [{ type: 'ping', id: 3 }]);
});

test('bad frames are SpdyProtocolErrors, and the parser stays failed', () => {
  const cases: Array<[string, string]> = [
    ['80020006000000040000000100', /version 2/.source],
    ['800300030000000400000001', /RST_STREAM frame of 4 bytes/.source],
    ['80030003000000080000000100000000', /status 0/.source],
    ['000000000000000161', /stream 0/.source],
    ['80030001000000020000', /SYN_STREAM frame of 2 bytes/.source],
    ['800300040000000c000000020000000000000000', /SETTINGS frame of 12 bytes for 2 entries/.source],
  ];
  for (const [hex, message] of cases) {
    const parser = new FrameParser();
    assert.throws(() => parser.push(Buffer.from(hex, 'hex')), (err: unknown) => err instanceof SpdyProtocolError && new RegExp(message).test(err.message), hex);
    assert.throws(() => parser.push(serializeFrame({ type: 'ping', id: 1 })), SpdyProtocolError);
  }
});

test('the SPDY/3 dictionary has its 1423 bytes', () => {
  assert.equal(SPDY3_DICTIONARY.length, 1423);
  assert.equal(SPDY3_DICTIONARY.subarray(0, 11).toString('latin1'), '\0\0\0\x07options');
  assert.equal(SPDY3_DICTIONARY.subarray(-6).toString('latin1'), 'enq=0.');
});

test('header blocks: lower-case names, NUL-joined values, strict decoding', () => {
  const block = encodeHeaderBlock({ StreamType: 'error', multi: ['a', 'b'], empty: '' });
  assert.deepEqual({ ...decodeHeaderBlock(block) }, { streamtype: ['error'], multi: ['a', 'b'], empty: [''] });
  assert.throws(() => decodeHeaderBlock(block.subarray(0, block.length - 1)), SpdyProtocolError);
  assert.throws(() => decodeHeaderBlock(Buffer.concat([block, Buffer.from([0])])), /after its 3 pairs/);
  assert.throws(() => decodeHeaderBlock(Buffer.from('0000000100000000', 'hex')), /empty name/);
  assert.throws(() => encodeHeaderBlock({ '': 'x' }), TypeError);
});

test('one zlib stream per direction carries several blocks in order; garbage is a SpdyProtocolError', async () => {
  const deflate = new HeaderCompressor();
  const inflate = new HeaderDecompressor();
  const sent: Array<Record<string, string>> = [{ streamtype: 'error' }, { streamtype: 'stdin' }, { streamtype: 'stdout', port: '80' }];
  const blocks = await Promise.all(sent.map((h) => deflate.compress(h)));
  // The second block refers back into the first: it is smaller and inflates only after it.
  assert.ok(blocks[1].length < blocks[0].length, `${blocks[1].length} < ${blocks[0].length}`);
  assert.deepEqual({ ...await inflate.decompress(blocks[0]) }, { streamtype: ['error'] });
  assert.deepEqual({ ...await inflate.decompress(blocks[1]) }, { streamtype: ['stdin'] });
  assert.deepEqual({ ...await inflate.decompress(blocks[2]) }, { streamtype: ['stdout'], port: ['80'] });
  const bad = new HeaderDecompressor();
  await assert.rejects(bad.decompress(Buffer.from('not zlib at all')), SpdyProtocolError);
  await assert.rejects(bad.decompress(blocks[0]), SpdyProtocolError, 'a failed stream stays failed');
  deflate.close();
  inflate.close();
  bad.close();
});
