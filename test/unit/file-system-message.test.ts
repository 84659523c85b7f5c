// A file system error no command named itself still reaches the user as one line with the file and a plain reason.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fileSystemMessage } from '../../src/cli/main.js';

function thrown(action: () => unknown): NodeJS.ErrnoException {
  try {
    action();
  } catch (error) {
    return error as NodeJS.ErrnoException;
  }
  throw new Error('expected a throw');
}

describe('fileSystemMessage', () => {
  it('names the path and the reason in words, exit 1', () => {
    const error = thrown(() => fs.readFileSync('/nonexistent-folder/x.csv'));
    const message = fileSystemMessage(error)!;
    expect(message.message).toBe('/nonexistent-folder/x.csv: no such file or folder (ENOENT)');
    expect(message.exitCode).toBe(1);
  });

  it('leaves other errors alone', () => {
    expect(fileSystemMessage(new Error('boom') as NodeJS.ErrnoException)).toBeNull();
  });
});
