import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Latest, applyPick, fileLabel, findTrigger, keyAction, moveHighlight } from '../js/suggestions.js';
import { commandNames, filterCommands, mayNeedPicker } from '../js/slash-commands.js';

test('an @ at the start or after whitespace opens the file picker, with what is typed after it', () => {
  assert.deepEqual(findTrigger('@', 1), { kind: 'file', query: '', start: 0, end: 1 });
  assert.deepEqual(findTrigger('look at @src/ap', 15), { kind: 'file', query: 'src/ap', start: 8, end: 15 });
  assert.deepEqual(findTrigger('one\n@app', 8), { kind: 'file', query: 'app', start: 4, end: 8 });
  assert.equal(findTrigger('mail me@example.com', 19), null, 'an @ inside a word is not a mention');
  assert.equal(findTrigger('@app.py then', 12), null, 'the caret has left the token');
  assert.equal(findTrigger('@app.py ', 8), null);
});

test('the caret inside a token: the query is what is before it, the token is replaced whole', () => {
  const trigger = findTrigger('see @apxx now', 7);
  assert.deepEqual(trigger, { kind: 'file', query: 'ap', start: 4, end: 9 });
  assert.deepEqual(applyPick('see @apxx now', /** @type {any} */ (trigger), 'src/app.py'), { text: 'see @src/app.py now', caret: 16 });
});

test('a / as the first character offers commands while the caret is in the first word', () => {
  assert.deepEqual(findTrigger('/', 1), { kind: 'command', query: '', start: 0, end: 1 });
  assert.deepEqual(findTrigger('/comp', 5), { kind: 'command', query: 'comp', start: 0, end: 5 });
  assert.equal(findTrigger('/compact now', 12), null);
  assert.equal(findTrigger('a /b', 4), null, 'only as the first character');
  assert.equal(findTrigger('', 0), null);
  assert.equal(findTrigger('x', 5), null);
});

test('picking puts @path or /name and one space at the caret', () => {
  assert.deepEqual(applyPick('read @ap', findTrigger('read @ap', 8) ?? assert.fail(), 'src/app.py'), { text: 'read @src/app.py ', caret: 17 });
  assert.deepEqual(applyPick('/co', findTrigger('/co', 3) ?? assert.fail(), 'compact'), { text: '/compact ', caret: 9 });
  const middle = 'a @x b';
  assert.equal(applyPick(middle, findTrigger(middle, 4) ?? assert.fail(), 'x.js').text, 'a @x.js b', 'no double space');
});

test('commands: those that start with the query first, in the agent\'s order, then those that hold it', () => {
  const names = ['say-hi', 'clear', 'compact', 'config', 'context', 'security-review', 'review'];
  assert.deepEqual(filterCommands(names, 'co', 30), ['compact', 'config', 'context']);
  assert.deepEqual(filterCommands(names, 'REV', 30), ['review', 'security-review']);
  assert.deepEqual(filterCommands(names, '', 30), names);
  assert.deepEqual(filterCommands(names, '', 2), ['say-hi', 'clear']);
  assert.deepEqual(filterCommands(undefined, 'x', 30), []);
});

test('command names from an init event: strings only, no slash, no duplicates', () => {
  assert.deepEqual(commandNames(['clear', '/compact', 'clear', 3, '', 'two words']), ['clear', 'compact']);
  assert.equal(commandNames(undefined), null);
  assert.deepEqual(commandNames([]), []);
});

test('a file row shows the name and its folder apart', () => {
  assert.deepEqual(fileLabel('src/ui/app.js'), { name: 'app.js', folder: 'src/ui/' });
  assert.deepEqual(fileLabel('README.md'), { name: 'README.md', folder: '' });
});

test('keys: arrows move, Enter and Tab pick instead of sending, Escape closes', () => {
  assert.equal(keyAction({ key: 'ArrowDown' }, 3), 'down');
  assert.equal(keyAction({ key: 'ArrowUp' }, 3), 'up');
  assert.equal(keyAction({ key: 'Enter' }, 3), 'pick');
  assert.equal(keyAction({ key: 'Tab' }, 3), 'pick');
  assert.equal(keyAction({ key: 'Escape' }, 0), 'close');
  assert.equal(keyAction({ key: 'Enter' }, 0), null, 'nothing to pick: Enter does what it always does');
  assert.equal(keyAction({ key: 'Enter', shiftKey: true }, 3), null);
  assert.equal(keyAction({ key: 'Enter', isComposing: true }, 3), null, 'an IME confirming a word');
  assert.equal(keyAction({ key: 'a' }, 3), null);
  assert.equal(moveHighlight(2, 3, 'down'), 0);
  assert.equal(moveHighlight(0, 3, 'up'), 2);
  assert.equal(moveHighlight(0, 0, 'down'), 0);
});

test('only the newest request\'s answer is used, whatever order answers arrive in', () => {
  const latest = new Latest();
  const first = latest.next();
  const second = latest.next();
  assert.ok(!latest.isCurrent(first));
  assert.ok(latest.isCurrent(second));
});

test('the picker is fetched only once the text may need it', () => {
  assert.ok(mayNeedPicker('@'));
  assert.ok(mayNeedPicker('look at @x'));
  assert.ok(mayNeedPicker('/'));
  assert.ok(!mayNeedPicker('mail me@example.com'));
  assert.ok(!mayNeedPicker('a/b'));
  assert.ok(!mayNeedPicker(''));
});
