// Issue 16: names and notes holding terminal escape sequences or HTML are shown, never obeyed, by
// customer list and customer show, as tables and as Markdown.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCrm } from '../helpers/cli.js';

const ESC = '\u001b';
const BEL = '\u0007';
const live = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028-\u202e\u2066-\u2069]/u;

let dir = '';
let db = '';
const crm = (...argv: string[]) => runCrm(['--db', db, ...argv]);

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-render-'));
  db = path.join(dir, 'crm.db');
  expect((await crm('init')).code).toBe(0);
  expect((await crm('customer', 'add', '--id', 'H1', '--name', `Eve${ESC}[2J${ESC}[H`, '--notes', `call back${ESC}]0;owned${BEL}`, '--city', 'a\u202eb')).code).toBe(0);
  expect((await crm('customer', 'add', '--id', 'H2', '--name', '<script>alert(1)</script>', '--company', '<img src=x onerror=alert(2)>', '--notes', 'one|two\nthree')).code).toBe(0);
  expect((await crm('customer', 'add', '--id', 'H3', '--name', '王芳')).code).toBe(0);
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('customer list and customer show with hostile text', () => {
  it('list: the table shows escape sequences as \\x1b, one line per customer', async () => {
    const result = await crm('customer', 'list');
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(live);
    expect(result.stdout).toContain('Eve\\x1b[2J\\x1b[H');
    expect(result.stdout).toContain('王芳');
  });

  it('show: the profile card and its notes show control characters visibly', async () => {
    const result = await crm('customer', 'show', 'H1');
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(live);
    expect(result.stdout).toContain('call back\\x1b]0;owned\\x07');
    expect(result.stdout).toContain('a\\u202eb');
  });

  it('show: a line break in the notes stays inside its cell', async () => {
    const result = await crm('customer', 'show', 'H2');
    expect(result.stdout).toContain('one|two\\nthree');
  });

  it('log and pay: the confirmation names the customer with its escape sequences shown, not obeyed', async () => {
    const logged = await crm('log', 'H1', '--kind', 'call', '--summary', 'asked');
    expect(logged.code, logged.stderr).toBe(0);
    expect(logged.stdout).not.toMatch(live);
    expect(logged.stdout).toContain('with Eve\\x1b[2J\\x1b[H (H1)');
    const paid = await crm('pay', 'H1', '10');
    expect(paid.code, paid.stderr).toBe(0);
    expect(paid.stdout).not.toMatch(live);
    expect(paid.stdout).toContain('from Eve\\x1b[2J\\x1b[H (H1)');
  });

  it('--format md escapes HTML, | and line breaks', async () => {
    const list = await crm('customer', 'list', '--format', 'md');
    expect(list.stdout).not.toMatch(/<script|<img/);
    expect(list.stdout).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(list.stdout).not.toMatch(live);
    const show = await crm('customer', 'show', 'H2', '--format', 'md');
    expect(show.stdout).not.toMatch(/<script|<img/);
    expect(show.stdout).toContain('&lt;img src=x onerror=alert(2)&gt;');
    expect(show.stdout).toContain('one\\|two<br>three');
  });

  it('JSON keeps the data exactly as stored', async () => {
    const json = JSON.parse((await crm('customer', 'show', 'H1', '--format', 'json')).stdout) as { name: string };
    expect(json.name).toBe(`Eve${ESC}[2J${ESC}[H`);
  });
});
