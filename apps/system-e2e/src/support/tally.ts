import { TopologyNames } from '@bss/contracts';
import { BrokerProbe } from '@bss/messaging/testing';
import type { GetMessage } from 'amqplib';
import { getJson, RunningSystem } from './system';

export interface LedgerEntry {
  orderId: string;
  type: string;
  outcome: 'applied' | 'rejected';
  appliedBy?: string;
  correlationId?: string;
  duplicateAttempts: number;
}

export interface DeadLetter {
  messageId?: string;
  headers: Record<string, unknown>;
}

export interface Tally {
  scenario: string;
  sent: number;
  accepted: number;
  appliedOnce: number;
  appliedTwice: number;
  deadLettered: number;
  lost: number;
  seconds: number;
  deadLetters: DeadLetter[];
  ledger: LedgerEntry[];
}

export function deadLetterOf(message: GetMessage): DeadLetter {
  return { messageId: message.properties.messageId as string | undefined, headers: (message.properties.headers ?? {}) as Record<string, unknown> };
}

export async function readLedger(system: RunningSystem): Promise<LedgerEntry[]> {
  const { entries } = await getJson<{ entries: LedgerEntry[] }>(`${system.url('backend-simulator')}/api/v1/ledger?limit=100000`);
  return entries;
}

/**
 * Waits until every accepted order is accounted for (in the backend ledger or in the dead-letter
 * queue) or the time is up, then counts: applied once, applied twice (an order id recorded under
 * more than one key), dead-lettered, and lost = accepted − applied − dead-lettered.
 */
export async function settleAndTally(options: {
  scenario: string;
  system: RunningSystem;
  probe: BrokerProbe;
  names: TopologyNames;
  sent: number;
  accepted: ReadonlySet<string>;
  startedAt: number;
  timeoutMs: number;
}): Promise<Tally> {
  const { system, probe, names, accepted } = options;
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const handled = new Set((await readLedger(system)).map((entry) => entry.orderId).filter((id) => accepted.has(id)));
    const dead = await probe.messageCount(names.deadLetterQueue);
    if (handled.size + dead >= accepted.size || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const ledger = await readLedger(system);
  const letters = (await probe.drain(names.deadLetterQueue)).map(deadLetterOf);
  const entriesPerOrder = new Map<string, number>();
  for (const entry of ledger) entriesPerOrder.set(entry.orderId, (entriesPerOrder.get(entry.orderId) ?? 0) + 1);
  const deadIds = new Set(letters.map((letter) => letter.messageId).filter((id): id is string => id !== undefined && accepted.has(id)));
  let appliedOnce = 0;
  let appliedTwice = 0;
  let lost = 0;
  for (const id of accepted) {
    const entries = entriesPerOrder.get(id) ?? 0;
    if (entries === 1) appliedOnce += 1;
    else if (entries > 1) appliedTwice += 1;
    else if (!deadIds.has(id)) lost += 1;
  }
  return {
    scenario: options.scenario,
    sent: options.sent,
    accepted: accepted.size,
    appliedOnce,
    appliedTwice,
    deadLettered: deadIds.size,
    lost,
    seconds: Math.round((Date.now() - options.startedAt) / 100) / 10,
    deadLetters: letters,
    ledger,
  };
}
