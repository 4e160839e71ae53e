/** Base class of the scheduler's errors: `code` is stable, the message names the bad value and the fix. */
export class SchedulerError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'SchedulerError';
  }
}

/** Input data (an instance file, a scenario) that cannot be planned as given. */
export class InvalidInputError extends SchedulerError {
  constructor(message: string) {
    super('SCHEDULER_INPUT_INVALID', message);
    this.name = 'InvalidInputError';
  }
}
