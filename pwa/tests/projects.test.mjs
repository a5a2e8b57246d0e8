import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultProjectId, inProject, projectLabel, projectOf } from '../js/projects.js';

const projects = [
  { id: 'a1', name: 'api', path: '/src/api', default: true },
  { id: 'b2', name: 'web', path: '/src/web', default: false },
];

test('a new conversation starts in the filtered project, else the last used, else the default', () => {
  assert.equal(defaultProjectId(projects, { filter: 'b2', lastUsed: 'a1' }), 'b2');
  assert.equal(defaultProjectId(projects, { lastUsed: 'b2' }), 'b2');
  assert.equal(defaultProjectId(projects, { lastUsed: 'gone' }), 'a1');
  assert.equal(defaultProjectId(projects), 'a1');
  assert.equal(defaultProjectId([]), null);
});

test('a conversation from before projects belongs to the default project', () => {
  assert.equal(projectOf(projects, null)?.id, 'a1');
  assert.equal(projectOf(projects, 'b2')?.id, 'b2');
  assert.equal(projectOf(projects, 'unknown'), null);
});

test('rows are labelled only when there is more than one project', () => {
  assert.equal(projectLabel(projects, 'b2'), 'web');
  assert.equal(projectLabel(projects.slice(0, 1), 'a1'), '');
});

test('the project filter keeps its own conversations', () => {
  assert.ok(inProject({ project_id: 'b2' }, 'b2', projects));
  assert.ok(!inProject({ project_id: 'a1' }, 'b2', projects));
  assert.ok(inProject({ project_id: null }, 'a1', projects));
  assert.ok(inProject({ project_id: 'a1' }, null, projects));
});
