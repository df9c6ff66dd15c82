/** What the console knows of one dead letter, as stored and as the API shows it. */
export const DEAD_LETTER_STATES = ['dead', 'replayed', 'purged'] as const;
export type DeadLetterState = (typeof DEAD_LETTER_STATES)[number];

export const DEAD_LETTER_EVENTS = ['collected', 'replayed', 'purged'] as const;
export type DeadLetterEventKind = (typeof DEAD_LETTER_EVENTS)[number];

/** Orders whose type could not be told (e.g. not JSON and no `type` property); they cannot be replayed. */
export const UNKNOWN_TYPE = 'UNKNOWN';

/** A dead letter as taken off the queue, before it has an id. */
export interface CollectedDeadLetter {
  readonly dedupKey: string;
  readonly orderId: string | null;
  readonly orderType: string;
  readonly reason: string;
  readonly lastError: string | null;
  readonly attempts: number | null;
  readonly firstFailureAt: string | null;
  readonly deadLetteredAt: string;
  readonly sourceQueue: string | null;
  readonly correlationId: string | null;
  readonly headers: Record<string, unknown>;
  readonly properties: StoredProperties;
  readonly body: Buffer;
}

/** The AMQP properties a replay must restore. */
export interface StoredProperties {
  readonly messageId?: string;
  readonly type?: string;
  readonly contentType?: string;
  readonly timestamp?: number;
  readonly correlationId?: string;
}

export interface DeadLetterSummary {
  readonly id: string;
  readonly orderId: string | null;
  readonly type: string;
  readonly reason: string;
  readonly lastError: string | null;
  readonly attempts: number | null;
  readonly firstFailureAt: string | null;
  readonly deadLetteredAt: string;
  readonly sourceQueue: string | null;
  readonly correlationId: string | null;
  readonly state: DeadLetterState;
  readonly collectedAt: string;
}

export interface DeadLetterEvent {
  readonly deadLetterId: string;
  readonly event: DeadLetterEventKind;
  readonly actor: string;
  readonly at: string;
}

export interface DeadLetterDetail extends DeadLetterSummary {
  readonly headers: Record<string, unknown>;
  readonly properties: StoredProperties;
  /** The body as text when it is UTF-8 (an envelope), otherwise base64. */
  readonly body: string;
  readonly bodyEncoding: 'utf8' | 'base64';
  /** Events of this dead letter and of the order's other dead letters, oldest first. */
  readonly history: DeadLetterEvent[];
}

/** A row the store handed out for replay, still locked by the transaction that will mark it. */
export interface ReplayCandidate {
  readonly id: string;
  readonly orderType: string;
  readonly headers: Record<string, unknown>;
  readonly properties: StoredProperties;
  readonly body: Buffer;
}

export interface DeadLetterFilter {
  readonly type?: string;
  readonly reason?: string;
  readonly state?: DeadLetterState;
  readonly limit: number;
  readonly offset: number;
}

export interface StoredCount {
  readonly type: string;
  readonly reason: string;
  readonly state: DeadLetterState;
  readonly count: number;
}
