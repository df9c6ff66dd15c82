/** Admits at most `maxInFlight` concurrent requests, like a backend with a fixed worker pool. */
export class CapacityGate {
  private inFlight = 0;
  private refused = 0;

  constructor(private readonly maxInFlight: number) {}

  tryEnter(): boolean {
    if (this.inFlight >= this.maxInFlight) {
      this.refused += 1;
      return false;
    }
    this.inFlight += 1;
    return true;
  }

  leave(): void {
    this.inFlight -= 1;
  }

  stats(): { inFlight: number; maxInFlight: number; refused: number } {
    return { inFlight: this.inFlight, maxInFlight: this.maxInFlight, refused: this.refused };
  }
}
