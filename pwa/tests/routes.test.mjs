import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashFor, parseRoute } from '../js/routes.js';

const ID = '6f1c2a4e-8d3b-4c59-9e21-0a7b5c3d2e10';

test('a conversation route names its id', () => {
  assert.deepEqual(parseRoute(`#/c/${ID}`), { id: ID });
  assert.deepEqual(parseRoute(`#c/${ID}`), { id: ID });
  assert.deepEqual(parseRoute('#/c/a%20b'), { id: 'a b' });
  assert.deepEqual(parseRoute('#/c/'), {});
});

test('new and session routes', () => {
  assert.deepEqual(parseRoute('#/new'), { fresh: true });
  assert.deepEqual(parseRoute(`#/session/${ID.toUpperCase()}`), { adopt: ID });
  assert.deepEqual(parseRoute('#/session/not-a-session'), {});
});

test('anything else is the default route', () => {
  assert.deepEqual(parseRoute(''), {});
  assert.deepEqual(parseRoute('#'), {});
  assert.deepEqual(parseRoute('#/elsewhere/x'), {});
});

test('the hash of a conversation reads back as the same conversation', () => {
  assert.equal(hashFor(ID, false), `#/c/${ID}`);
  assert.deepEqual(parseRoute(hashFor(ID, false)), { id: ID });
  assert.equal(hashFor('new-123', true), '', 'a conversation the server has not named has no hash');
});
