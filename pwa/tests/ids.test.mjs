import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clientIdFor, uuid } from '../js/ids.js';

test('uuids are version-4 and lowercase', () => {
  const ids = new Set(Array.from({ length: 50 }, uuid));
  assert.equal(ids.size, 50);
  for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

test('the client id names the device, then the tab', () => {
  assert.equal(clientIdFor('0123456789abcdef', 'fedcba9876543210'), '01234567-fedcba98');
});
