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

  constructor(
    private readonly connection: BrokerConnection,
    private readonly topology: TopologyOptions,
    private readonly logger: BrokerLogger = silentBrokerLogger,
  ) {}

  /** Called from a channel's setup, on every (re)connect. */
  async afterConnect(): Promise<void> {
    if (!this.topology.declare) return;
    const declaring = this.connection.withTemporaryChannel((channel) => declareTopology(channel, this.topology));
    if (this.declaredOnce) {
      declaring.catch((error: Error) => this.logger.warn({ err: error.message }, 'declaring the topology again failed; it is tried again after the next reconnect'));
      return;
    }
    await declaring;
    this.declaredOnce = true;
  }
}
