import { BrokerConnection } from './broker-connection';
import { BrokerLogger, silentBrokerLogger } from './broker-logger';
import { declareTopology, TopologyOptions } from './topology';

/**
 * Keeps the topology declared across reconnects, for one user of a connection. The first
 * declaration of the process must finish before its user starts: on a fresh broker nothing exists
 * yet. Later ones, after each reconnect, restore what the broker may have lost, but run in the
 * background on a channel of their own: RabbitMQ stalls a binding whose queue's leader hangs (a
 * frozen node, until the cluster declares it down a minute later), and neither publishing nor
 * consuming may wait for that.
 */
export class TopologyKeeper {
  private declaredOnce = false;
  private policiesWritten = false;
  private first?: Promise<void>;

  constructor(
    private readonly connection: BrokerConnection,
    private readonly topology: TopologyOptions,
    private readonly logger: BrokerLogger = silentBrokerLogger,
  ) {}

  /**
   * Called from a channel's setup, on every (re)connect. A first declaration that fails (a queue
   * declared elsewhere with other arguments, a quorum queue that cannot be created while nodes are
   * down) is tried again until it succeeds or the connection goes, since its channel of its own
   * closing would not make the connection reconnect.
   */
  async afterConnect(): Promise<void> {
    if (!this.topology.declare) return;
    if (this.declaredOnce) {
      this.declare().catch((error: Error) => this.logger.warn({ err: error.message }, 'declaring the topology again failed; it is tried again after the next reconnect'));
      return;
    }
    // Channels set up at once share the first declaration.
    this.first ??= this.declareUntilDone().finally(() => (this.first = undefined));
    await this.first;
  }

  /**
   * The broker said a queue is missing (deleted by an operator, or lost): the next use must wait for
   * the declaration, or consuming fails again at once and every reconnect ends the same way.
   */
  redeclareBeforeNextUse(): void {
    this.declaredOnce = false;
  }

  private async declareUntilDone(): Promise<void> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        await this.declare();
        this.declaredOnce = true;
        return;
      } catch (error) {
        if (!this.connection.isConnected()) throw error;
        const delayMs = Math.min(MAX_RETRY_DELAY_MS, 250 * 2 ** attempt);
        this.logger.error({ err: (error as Error).message, delayMs }, 'declaring the topology failed; trying again');
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  }

  private async declare(): Promise<void> {
    await this.connection.withTemporaryChannel((channel) => declareTopology(channel, this.topology));
    this.writePolicies();
  }

  /**
   * In the background: the queues work without their policies, only a 4.x broker's default delivery
   * limit applies to them meanwhile. A failure is tried again after the next reconnect.
   */
  private writePolicies(): void {
    const { policies, names } = this.topology;
    if (!policies || this.policiesWritten) return;
    this.policiesWritten = true;
    policies.apply(names).then(
      (written) => {
        if (written.length > 0) this.logger.info({ policies: written.map((policy) => policy.name) }, 'topology policies in place');
      },
      (error: Error) => {
        this.policiesWritten = false;
        this.logger.warn({ err: error.message }, "setting the topology's policies failed; tried again after the next reconnect");
      },
    );
  }
}

const MAX_RETRY_DELAY_MS = 5000;
