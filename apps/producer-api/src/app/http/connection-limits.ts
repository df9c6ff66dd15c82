import type { FastifyHttpOptions } from 'fastify';
import type { Server } from 'node:http';
import { ProducerConfig } from '../producer-config';

/**
 * Node checks the header and request deadlines of open connections only every
 * `connectionsCheckingInterval` (30 s by default), which would let a slow client overstay its
 * deadline by up to that much.
 */
const DEADLINE_CHECK_INTERVAL_MS = 1000;

/** The HTTP server's limits on how slowly a client may send and how long it may idle (see httpEdgeSchema). */
export function connectionLimits(config: ProducerConfig): Pick<FastifyHttpOptions<Server>, 'requestTimeout' | 'keepAliveTimeout' | 'http'> {
  return {
    requestTimeout: config.HTTP_REQUEST_TIMEOUT_SEC * 1000,
    keepAliveTimeout: config.HTTP_KEEP_ALIVE_TIMEOUT_SEC * 1000,
    http: {
      headersTimeout: Math.min(config.HTTP_HEADERS_TIMEOUT_SEC, config.HTTP_REQUEST_TIMEOUT_SEC) * 1000,
      maxHeaderSize: config.HTTP_MAX_HEADER_BYTES,
      connectionsCheckingInterval: DEADLINE_CHECK_INTERVAL_MS,
    },
  };
}
