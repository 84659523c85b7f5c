// Every command has a description, an example in its help, and a mention in the README (the README lists every command).
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/io.js';
import { projectRoot, runCrm } from '../helpers/cli.js';

const silentIo: Io = {
  stdout: { write: () => true },
  stderr: { write: () => true },
  stdin: process.stdin,
  env: {},
  cwd: projectRoot,
  now: () => new Date('2026-11-23T09:00:00Z'),
};

function commandPaths(command: Command, prefix: string[] = []): string[][] {
  return command.commands.flatMap((sub) => {
    const here = [...prefix, sub.name()];
    return [here, ...commandPaths(sub, here)];
  });
}

const { program } = buildProgram(silentIo);
const paths = commandPaths(program);
const readme = fs.readFileSync(path.join(projectRoot, 'README.md'), 'utf8');
const readmeLines = readme.split('\n');

describe('documentation', () => {
  it('has commands to check', () => {
    expect(paths.length).toBeGreaterThan(20);
  });

  it.each(paths.map((p) => [p.join(' ')]))('crm %s has a description and an example in its help', async (name) => {
    const result = await runCrm([...name.split(' '), '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: crm /m);
    const command = paths.find((p) => p.join(' ') === name)!.reduce<Command>((node, part) => node.commands.find((c) => c.name() === part)!, program);
    expect(command.description().length, `crm ${name} has no description`).toBeGreaterThan(5);
    expect(result.stdout, `crm ${name} --help shows no example`).toMatch(/Examples?:|\$ (crm|npm)/);
  });

  it.each(paths.map((p) => [p.join(' ')]))('crm %s is in the README', (name) => {
    const parts = name.split(' ');
    const leaf = parts[parts.length - 1]!;
    const parent = parts.slice(0, -1).join(' ');
    const mentioned = readmeLines.some((line) =>
      parts.length === 1 ? line.includes(`crm ${leaf}`) : line.includes(`crm ${parent}`) && new RegExp(`(^|[\\s|\`])${leaf}([\\s|\`]|$)`).test(line),
    );
    expect(mentioned, `README never mentions crm ${name}`).toBe(true);
  });
});
