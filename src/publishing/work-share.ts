/**
 * How much of the preparation the writer takes over from the worker thread. On two cores the worker (parsing,
 * validation) and the writer (the database) rarely need the same time per record, and the faster one would
 * wait. The writer asks for some batches unprepared and prepares them itself; this decides which, by feedback:
 * each time the writer had to wait for a batch, it takes a larger share, and each time a batch was ready, a
 * smaller one. Pure.
 */
export class WorkShare {
  private share = 0;
  private owed = 0;

  constructor(
    private readonly step = 0.05,
    private readonly maxShare = 0.8,
  ) {}

  /** The writer's current share of the batches, 0 to `maxShare`. */
  get current(): number {
    return this.share;
  }

  /** Called for each batch the writer takes, with whether it had to wait for it; true: ask for the next batch unprepared. */
  nextUnprepared(waited: boolean): boolean {
    this.share = Math.min(this.maxShare, Math.max(0, this.share + (waited ? this.step : -this.step)));
    this.owed += this.share;
    if (this.owed < 1) return false;
    this.owed -= 1;
    return true;
  }
}
