import { parseDlqArguments } from './dlq-arguments';

describe('parseDlqArguments', () => {
  it('reads list filters in both --name value and --name=value forms', () => {
    expect(parseDlqArguments(['list', '--type', 'MNP', '--reason=retries-exhausted', '--json'])).toEqual({
      kind: 'list',
      type: 'MNP',
      reason: 'retries-exhausted',
      state: undefined,
      json: true,
    });
  });

  it('replays ids or a type, not both', () => {
    expect(parseDlqArguments(['replay', '--id', '4', '--id=5,6'])).toMatchObject({ kind: 'replay', ids: ['4', '5', '6'] });
    expect(parseDlqArguments(['replay', '--type', 'MNP'])).toMatchObject({ kind: 'replay', ids: [], type: 'MNP' });
    expect(() => parseDlqArguments(['replay'])).toThrow(/either --id/);
    expect(() => parseDlqArguments(['replay', '--id', '4', '--type', 'MNP'])).toThrow(/either --id/);
  });

  it('purges only with --yes', () => {
    expect(() => parseDlqArguments(['purge', '--type', 'MNP'])).toThrow(/--yes/);
    expect(parseDlqArguments(['purge', '--type', 'MNP', '--yes'])).toMatchObject({ kind: 'purge', type: 'MNP' });
  });

  it('rejects unknown commands and a show without one id', () => {
    expect(() => parseDlqArguments(['drop'])).toThrow(/unknown command/);
    expect(() => parseDlqArguments(['show'])).toThrow(/exactly one/);
  });
});
