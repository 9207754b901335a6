import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUILTIN_RESOURCES } from '../../src/api/resources.js';
import { CONVERSIONS, GROUP_STRATEGIES } from '../../src/apiserver/registry/groups.js';

test('every non-core served resource has a strategy', () => {
  // Review resources are computed per request and never stored: no strategy.
  const missing = BUILTIN_RESOURCES.filter((d) => d.group !== '' && !d.ephemeral && !GROUP_STRATEGIES[`${d.group}/${d.plural}`])
    .map((d) => `${d.group}/${d.plural}`);
  assert.deepEqual(missing, []);
});

test('every served version stored in another version has a conversion', () => {
  const needed = BUILTIN_RESOURCES.filter((d) => d.group !== d.storage.group || d.version !== d.storage.version)
    .map((d) => `${d.group}/${d.version}/${d.plural}`).sort();
  assert.deepEqual(Object.keys(CONVERSIONS).sort(), needed);
});

test('resources with a status subresource have a status strategy', () => {
  const missing = BUILTIN_RESOURCES
    .filter((d) => d.group !== '' && d.storage.group === d.group && d.subresources.some((s) => s.name === 'status'))
    .filter((d) => !GROUP_STRATEGIES[`${d.group}/${d.plural}`]?.status)
    .map((d) => `${d.group}/${d.plural}`);
  assert.deepEqual(missing, []);
});
