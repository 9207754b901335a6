/**
 * The v4/v5 Status: what the translator writes, and how a client reads the
 * kubelet's (client-go's errorDecoderV4 rules: empty is success, exit codes
 * parse as base-10 uint8, anything else is a failure with its message).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exitCodeStatus, internalErrorStatus, parseStatus, statusOf, successStatus } from '../../../../src/api/httpstream/remotecommand/status.js';

test('the Status JSON of success, an exit code and another failure', () => {
  assert.equal(JSON.stringify(successStatus()), '{"metadata":{},"status":"Success"}');
  assert.equal(JSON.stringify(exitCodeStatus(3)),
    '{"metadata":{},"status":"Failure","message":"command terminated with non-zero exit code: command terminated with exit code 3",'
    + '"reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"3"}]}}');
  assert.deepEqual(internalErrorStatus('boom'), {
    metadata: {}, status: 'Failure', message: 'Internal error occurred: boom', reason: 'InternalError', details: { causes: [{ message: 'boom' }] }, code: 500,
  });
  assert.deepEqual(statusOf({ kind: 'exit', exitCode: 7, message: 'x' }).details?.causes, [{ reason: 'ExitCode', message: '7' }]);
});

test('parseStatus reads what the kubelet and containerd write', () => {
  assert.deepEqual(parseStatus(''), { kind: 'success' });
  assert.deepEqual(parseStatus('{"metadata":{},"status":"Success"}'), { kind: 'success' });
  const kubelet = '{"metadata":{},"status":"Failure","message":"command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"3"}]}}';
  assert.deepEqual(parseStatus(Buffer.from(kubelet)), { kind: 'exit', exitCode: 3, message: 'command terminated with exit code 3' });
  assert.deepEqual(parseStatus(JSON.stringify(exitCodeStatus(255))), { kind: 'exit', exitCode: 255, message: 'command terminated with exit code 255' });
  assert.match((parseStatus(JSON.stringify(exitCodeStatus(256))) as { message: string }).message, /invalid exit code value "256"/);
  assert.match((parseStatus('{"status":"Failure","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"-1"}]}}') as { message: string }).message, /invalid exit code/);
  assert.match((parseStatus('{"status":"Failure","reason":"NonZeroExitCode"}') as { message: string }).message, /no ExitCode cause/);
  assert.deepEqual(parseStatus('{"status":"Failure","message":"container not found"}'), { kind: 'failure', message: 'container not found' });
  assert.deepEqual(parseStatus('plain text from a v1 server'), { kind: 'failure', message: 'error stream protocol error: plain text from a v1 server' });
});
