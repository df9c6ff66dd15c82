import { OrderType } from '@bss/contracts';

export interface Fault {
  /** HTTP status every affected call answers with. */
  readonly status: number;
  /** Affected order types; all when absent. */
  readonly types?: readonly OrderType[];
  /** When the fault clears by itself; never when absent. */
  readonly until?: string;
}

/** Makes the backend fail on demand, for chaos tests and demonstrations of retries. */
export class FaultInjector {
  private fault?: Fault;
  private injected = 0;

  set(fault: Fault): void {
    this.fault = fault;
  }

  clear(): void {
    this.fault = undefined;
  }

  current(): Fault | undefined {
    if (this.fault?.until && Date.parse(this.fault.until) <= Date.now()) this.fault = undefined;
    return this.fault;
  }

  /** The status to fail this call with, or undefined to serve it normally. */
  failureFor(type: OrderType): number | undefined {
    const fault = this.current();
    if (!fault || (fault.types && !fault.types.includes(type))) return undefined;
    this.injected += 1;
    return fault.status;
  }

  stats(): { active?: Fault; injectedFailures: number } {
    return { active: this.current(), injectedFailures: this.injected };
  }
}
