// Issue 16: the project documents its own rules in docs/ and cites only those. No source, test or README
// text points at notes outside the repository, and every docs/….md#anchor pointer leads to a real heading.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../helpers/cli.js';

const textExtensions = new Set(['.ts', '.mjs', '.js', '.json', '.md', '.txt', '.csv', '.sh']);

/** Text files under a folder of the project, as paths relative to its root. */
function filesUnder(folder: string): string[] {
  const root = path.join(projectRoot, folder);
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root, { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(folder, entry.name);
    if (entry.isDirectory()) return filesUnder(relative);
    return entry.isFile() && textExtensions.has(path.extname(entry.name)) ? [relative] : [];
  });
}

const read = (file: string): string => fs.readFileSync(path.join(projectRoot, file), 'utf8');

const checked = [...filesUnder('src'), ...filesUnder('test'), ...filesUnder('scripts'), ...filesUnder('bench'), ...filesUnder('docs'), 'README.md', 'ARCHITECTURE.md'];

// Written in pieces so that this file does not name them itself.
const outside = ['domain', 'design', 'style', 'perf-notes'].map((name) => [name, 'md'].join('.')).concat([['..', 'shared'].join('/')]);

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
function anchorOf(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

function anchors(file: string): Set<string> {
  const headings = read(file).split('\n').filter((line) => /^#{1,6} /.test(line));
  return new Set(headings.map((line) => anchorOf(line.replace(/^#+ /, ''))));
}

describe('project documentation', () => {
  it('checks the files it should', () => {
    expect(checked).toContain('src/report/render.ts');
    expect(checked).toContain('docs/rules.md');
    expect(checked.length).toBeGreaterThan(100);
  });

  it('no source, test, script or README text cites notes that are not part of the project', () => {
    const citations = checked.flatMap((file) =>
      read(file).split('\n').flatMap((line, index) => (outside.some((name) => line.includes(name)) ? [`${file}:${index + 1}: ${line.trim()}`] : [])),
    );
    expect(citations).toEqual([]);
  });

  it('makes GitHub-style anchors', () => {
    expect(anchorOf('Relationship type and marketing level')).toBe('relationship-type-and-marketing-level');
    expect(anchorOf('RFM scores')).toBe('rfm-scores');
    expect(anchorOf("Can't lose: 流失")).toBe('cant-lose-流失');
  });

  it('every docs/….md#anchor pointer in src, README.md and docs resolves to a file and a heading', () => {
    const pointers = [...filesUnder('src'), ...filesUnder('docs'), 'README.md'].flatMap((file) =>
      [...read(file).matchAll(/docs\/([\w/-]+\.md)(?:#([\w-]+))?/g)].map((match) => ({ file, target: `docs/${match[1]}`, anchor: match[2] })),
    );
    expect(pointers.filter((pointer) => pointer.anchor !== undefined).length).toBeGreaterThan(20);
    const broken = pointers.filter(({ target, anchor }) => !fs.existsSync(path.join(projectRoot, target)) || (anchor !== undefined && !anchors(target).has(anchor)));
    expect(broken).toEqual([]);
  });
});
