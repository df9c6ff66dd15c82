/** What the dead-letter CLI was asked to do, parsed from its arguments. */
export type DlqCommand =
  | { readonly kind: 'list'; readonly type?: string; readonly reason?: string; readonly state?: string; readonly json: boolean }
  | { readonly kind: 'show'; readonly id: string; readonly json: boolean }
  | { readonly kind: 'replay' | 'purge'; readonly ids: string[]; readonly type?: string; readonly json: boolean };

export const DLQ_USAGE = `usage: dlq list [--type T] [--reason R] [--state S] [--json]
       dlq show <id> [--json]
       dlq replay (--id ID... | --type T) [--json]
       dlq purge (--id ID... | --type T) --yes [--json]
env: OPS_CONSOLE_URL (default http://127.0.0.1:8085), OPS_TOKEN (a viewer or operator token)`;

/** Accepts `--name value` and `--name=value` (Nx forwards options in the second form). */
export function parseDlqArguments(argv: readonly string[]): DlqCommand {
  const [command, ...rest] = argv;
  const options = new Map<string, string[]>();
  const positional: string[] = [];
  for (let index = 0; index < rest.length; index += 1) {
    const argument = rest[index];
    if (!argument.startsWith('--')) {
      positional.push(argument);
      continue;
    }
    const [name, inline] = argument.slice(2).split(/=(.*)/s, 2);
    const takesValue = ['type', 'reason', 'state', 'id'].includes(name);
    const value = inline ?? (takesValue ? rest[++index] : 'true');
    if (value === undefined) throw new Error(`--${name} needs a value`);
    options.set(name, [...(options.get(name) ?? []), value]);
  }
  const one = (name: string) => options.get(name)?.at(-1);
  const json = one('json') === 'true';
  switch (command) {
    case 'list':
      return { kind: 'list', type: one('type'), reason: one('reason'), state: one('state'), json };
    case 'show':
      if (positional.length !== 1) throw new Error('show needs exactly one dead-letter id');
      return { kind: 'show', id: positional[0], json };
    case 'replay':
    case 'purge': {
      const ids = [...(options.get('id') ?? []), ...positional].flatMap((id) => id.split(',')).filter((id) => id.length > 0);
      const type = one('type');
      if ((ids.length > 0) === (type !== undefined)) throw new Error(`${command} needs either --id ID... or --type T`);
      if (command === 'purge' && one('yes') !== 'true') throw new Error('purge needs --yes to confirm');
      return { kind: command, ids, type, json };
    }
    default:
      throw new Error(command ? `unknown command ${command}` : 'no command given');
  }
}
