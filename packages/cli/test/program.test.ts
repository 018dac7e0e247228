import { PassThrough } from 'node:stream';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { Output, useColour } from '../src/output.js';
import { buildProgram } from '../src/program.js';

function allCommands(command: Command, path: string[] = []): { path: string; command: Command }[] {
  return command.commands.flatMap((c) => [
    { path: [...path, c.name()].join(' '), command: c },
    ...allCommands(c, [...path, c.name()]),
  ]);
}

describe('the command tree', () => {
  it('has every command of docs/cli.md, each with a description and help', () => {
    const commands = allCommands(buildProgram());
    expect(commands.map((c) => c.path)).toEqual([
      'thread',
      'thread create',
      'thread update-topic',
      'thread list',
      'thread delete',
      'message',
      'message send',
      'message list',
      'message get',
      'message update',
      'message delete',
      'message receipt',
      'message receipt send',
      'message receipt list',
      'participant',
      'participant add',
      'participant list',
      'participant remove',
      'user',
      'user create',
      'user list',
      'user delete',
      'token',
      'token issue',
      'token validate',
      'token revoke',
      'api-key',
      'api-key create',
      'api-key list',
      'api-key revoke',
      'listen',
    ]);
    for (const { path, command } of commands) {
      expect(command.description(), path).not.toBe('');
      expect(command.helpInformation(), path).toContain(`Usage: parley ${path}`);
    }
  });
});

describe('Output', () => {
  function capture(json: boolean, colour = false) {
    const stdout = new PassThrough();
    let text = '';
    stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    return { out: new Output(json, stdout, new PassThrough(), colour), text: () => text };
  }

  it('aligns tables, shows empty cells as "-", and neutralises control characters', () => {
    const { out, text } = capture(false);
    out.list(
      [
        { id: 'a', name: 'short', note: null },
        { id: 'longer-id', name: 'evil\x1b[2Jname\nline', note: 'x' },
      ],
      [
        { header: 'ID', value: (r) => r.id },
        { header: 'NAME', value: (r) => r.name },
        { header: 'NOTE', value: (r) => r.note },
      ],
    );
    expect(text()).toBe(
      'ID         NAME               NOTE\n' +
        'a          short              -\n' +
        'longer-id  evil?[2Jname line  x\n',
    );
  });

  it('prints JSON alone with --json, and bold headers only in colour', () => {
    const json = capture(true);
    json.out.list([{ id: 1 }], [{ header: 'ID', value: (r) => r.id }]);
    expect(JSON.parse(json.text())).toEqual([{ id: 1 }]);
    const coloured = capture(false, true);
    coloured.out.list([], [{ header: 'ID', value: () => '' }]);
    expect(coloured.text()).toBe('\x1b[1mID\x1b[0m\n(none)\n');
    expect(useColour({ isTTY: true }, {})).toBe(true);
    expect(useColour({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(useColour({ isTTY: false }, {})).toBe(false);
  });
});
