import { DLQ_USAGE, DlqCommand, parseDlqArguments } from './dlq-arguments';

interface Output {
  out(line: string): void;
  err(line: string): void;
}

interface Row {
  [column: string]: unknown;
}

/** Runs one CLI command against the console's JSON API; resolves to the process exit code. */
export async function runDlq(argv: readonly string[], env: NodeJS.ProcessEnv, output: Output): Promise<number> {
  let command: DlqCommand;
  try {
    command = parseDlqArguments(argv);
  } catch (error) {
    output.err(`${(error as Error).message}\n${DLQ_USAGE}`);
    return 2;
  }
  const baseUrl = (env['OPS_CONSOLE_URL'] ?? 'http://127.0.0.1:8085').replace(/\/$/, '');
  const token = env['OPS_TOKEN'];
  if (!token) {
    output.err('OPS_TOKEN is not set (a viewer token lists and shows, an operator token also replays and purges)');
    return 2;
  }
  try {
    const result = await call(baseUrl, token, command);
    if (command.json) output.out(JSON.stringify(result, null, 2));
    else output.out(render(command, result));
    const failed = (result as { failed?: unknown[] }).failed;
    return Array.isArray(failed) && failed.length > 0 ? 1 : 0;
  } catch (error) {
    output.err((error as Error).message);
    return 1;
  }
}

async function call(baseUrl: string, token: string, command: DlqCommand): Promise<unknown> {
  const request = (path: string, body?: unknown) =>
    fetch(`${baseUrl}/api/v1/dead-letters${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  let response: Response;
  switch (command.kind) {
    case 'list': {
      const query = new URLSearchParams({ limit: '500' });
      for (const name of ['type', 'reason', 'state'] as const) if (command[name]) query.set(name, command[name] as string);
      response = await request(`?${query}`);
      break;
    }
    case 'show':
      response = await request(`/${encodeURIComponent(command.id)}`);
      break;
    default: {
      const selection = command.type ? { type: command.type } : { ids: command.ids };
      response = await request(`/${command.kind}`, command.kind === 'purge' ? { ...selection, confirm: true } : selection);
    }
  }
  const body = (await response.json().catch(() => ({}))) as { message?: string | string[] };
  if (!response.ok) throw new Error(`ops console answered ${response.status}: ${[body.message].flat().join('; ')}`);
  return body;
}

function render(command: DlqCommand, result: unknown): string {
  switch (command.kind) {
    case 'list': {
      const { items, total } = result as { items: Row[]; total: number };
      return `${table(items, ['id', 'orderId', 'type', 'reason', 'attempts', 'state', 'deadLetteredAt'])}\n${items.length} of ${total}`;
    }
    case 'show': {
      const detail = result as Row & { history: Row[] };
      const fields = ['id', 'orderId', 'type', 'state', 'reason', 'lastError', 'attempts', 'firstFailureAt', 'deadLetteredAt', 'sourceQueue', 'correlationId'];
      return [...fields.map((field) => `${field.padEnd(15)} ${String(detail[field] ?? '-')}`), '', 'history:', table(detail.history, ['at', 'event', 'actor', 'deadLetterId'])].join('\n');
    }
    default: {
      const { done, failed } = result as { done: string[]; failed: { id: string; error: string }[] };
      const verb = command.kind === 'purge' ? 'purged' : 'replayed';
      return [`${done.length} ${verb}${done.length ? `: ${done.join(', ')}` : ''}`, ...failed.map((failure) => `failed ${failure.id}: ${failure.error}`)].join('\n');
    }
  }
}

function table(rows: readonly Row[], columns: readonly string[]): string {
  const cells = rows.map((row) => columns.map((column) => String(row[column] ?? '-')));
  const widths = columns.map((column, index) => Math.max(column.length, ...cells.map((row) => row[index].length)));
  const line = (values: readonly string[]) => values.map((value, index) => value.padEnd(widths[index])).join('  ').trimEnd();
  return [line(columns), ...cells.map(line)].join('\n');
}
