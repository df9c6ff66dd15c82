import { ServiceUnavailableException } from '@nestjs/common';

/**
 * Runs a read of the order tracking store; PostgreSQL being down, or the tracker not having created
 * its tables yet, is a 503 that says so, while the rest of the console keeps working.
 */
export async function fromTrackingStore<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw new ServiceUnavailableException(`the order tracking store is unavailable (${(error as Error).message})`);
  }
}
