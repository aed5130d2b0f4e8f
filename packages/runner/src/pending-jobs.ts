import type { Job } from './batch';

/**
 * The jobs not yet settled, oldest first (every job has the same timeoutMs, so this is also the
 * order of their deadlines), each removable in O(1).
 *
 * A linked list through the jobs whose removed entries let go of their neighbours, not a Set: the
 * stale hash tables a Set leaves behind when it rehashes sit in the old generation still pointing
 * at jobs, which kept each job's promise and its caller's request alive until the next full GC.
 */
export class PendingJobs {
  #head: Job | undefined;
  #tail: Job | undefined;

  /** The oldest pending job. */
  get oldest(): Job | undefined {
    return this.#head;
  }

  add(job: Job): void {
    job.prevPending = this.#tail;
    if (this.#tail === undefined) this.#head = job;
    else this.#tail.nextPending = job;
    this.#tail = job;
  }

  /** Removes a job added before; a job removed already is left alone. */
  delete(job: Job): void {
    if (job.prevPending === undefined && this.#head !== job) return;
    if (job.prevPending === undefined) this.#head = job.nextPending;
    else job.prevPending.nextPending = job.nextPending;
    if (job.nextPending === undefined) this.#tail = job.prevPending;
    else job.nextPending.prevPending = job.prevPending;
    job.prevPending = job.nextPending = undefined;
  }

  /** Every pending job, oldest first, as an array (safe to settle them while walking it). */
  toArray(): Job[] {
    const jobs: Job[] = [];
    for (let job = this.#head; job !== undefined; job = job.nextPending) jobs.push(job);
    return jobs;
  }
}
