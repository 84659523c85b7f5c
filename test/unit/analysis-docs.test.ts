// Every analysis command has a description, an example in its help, and a section in the README (the README lists every command).
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { projectRoot } from '../helpers/cli.js';

const analysisCommands = ['rfm', 'segment', 'segment rules', 'pyramid', 'lifecycle', 'loyalty', 'advise', 'snapshot', 'snapshot save', 'snapshot list', 'snapshot diff'];

function find(program: Command, names: string): Command {
  return names.split(' ').reduce((command, name) => command.commands.find((sub) => sub.name() === name)!, program);
}

describe('analysis commands are documented', () => {
  const io = { stdout: { write: () => true }, stderr: { write: () => true }, stdin: process.stdin, env: {}, cwd: projectRoot, now: () => new Date() };
  const { program } = buildProgram(io);
  const readme = fs.readFileSync(path.join(projectRoot, 'README.md'), 'utf8');

  it.each(analysisCommands)('crm %s', (names) => {
    const command = find(program, names);
    expect(command, names).toBeDefined();
    expect(command.description()).not.toBe('');
    let help = '';
    command.configureOutput({ writeOut: (text) => (help += text), writeErr: () => undefined });
    command.outputHelp();
    expect(help).toMatch(/Examples:\n\s+\$ crm /);
    expect(readme).toContain(`crm ${names.split(' ')[0]}`);
    if (names.includes(' ')) expect(readme).toMatch(new RegExp(`crm ${names}`));
  });
});
