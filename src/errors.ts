// Error classes that carry their exit code; only src/cli/main.ts turns them into process exit codes.

export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  dataRejected: 3,
  database: 4,
  agendaHasItems: 10,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export class CrmError extends Error {
  readonly exitCode: ExitCodeValue;
  /** Extra lines printed after the one-line message (candidates, first bad rows, …). */
  readonly details: string[];

  constructor(message: string, exitCode: ExitCodeValue = ExitCode.failure, details: string[] = []) {
    super(message);
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.details = details;
  }
}

/** A bad flag, a bad value, an unknown customer reference: exit 2. */
export class UsageError extends CrmError {
  constructor(message: string, details: string[] = []) {
    super(message, ExitCode.usage, details);
  }
}

/** Input data rejected (import under --on-error abort): exit 3. */
export class DataRejectedError extends CrmError {
  constructor(message: string, details: string[] = []) {
    super(message, ExitCode.dataRejected, details);
  }
}

/** Missing, locked, corrupt or newer-schema database: exit 4. */
export class DatabaseError extends CrmError {
  constructor(message: string, details: string[] = []) {
    super(message, ExitCode.database, details);
  }
}

/** A statement a PostgreSQL server's privileges or row-level security refused (42501): exit 2, nothing changed. */
export class RefusedByServer extends CrmError {
  constructor(message: string) {
    super(message, ExitCode.usage);
  }
}
