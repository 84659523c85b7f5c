// Whether a --db value names a PostgreSQL database: kept apart from postgres.ts so that telling the two apart does
// not load the PostgreSQL driver (a command on a SQLite file never does).
export function isPostgresUrl(raw: string): boolean {
  return /^postgres(?:ql)?:\/\//i.test(raw.trim());
}
