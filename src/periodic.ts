// Background work a server does on a schedule (housekeeping, retention): run now, then again
// after each interval, never two runs of one task at once, a failure logged and tried again
// sooner (it is never silently skipped), and a stop that waits for a run in progress.

export interface PeriodicTask {
  /** For the log: "attachment housekeeping". */
  readonly name: string;
  readonly everyMs: number;
  /** After a failure, the next try comes this much later (default: everyMs). */
  readonly retryMs?: number;
  run(): Promise<void>;
}

interface ErrorLogger {
  error(details: object, message: string): void;
}

/** Starts the task; returns the function that stops it, after a run in progress. */
export function runPeriodically(task: PeriodicTask, logger: ErrorLogger): () => Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  const next = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(tick, ms);
    timer.unref(); // a server shutting down does not wait for the next run
  };
  const tick = () => {
    running = task
      .run()
      .then(() => next(task.everyMs))
      .catch((err: unknown) => {
        const retry = task.retryMs ?? task.everyMs;
        logger.error({ err }, `${task.name} failed; trying again in ${Math.round(retry / 1000)} s`);
        next(retry);
      })
      .finally(() => (running = undefined));
  };
  next(0);
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
  };
}
