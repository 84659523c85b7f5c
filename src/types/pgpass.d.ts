// The parts of the pgpass package (node-postgres's reader of ~/.pgpass) that crm uses; it ships no types.
declare module 'pgpass/lib/helper.js' {
  interface PgpassEntry {
    host: string;
    port: string;
    database: string;
    user: string;
    password: string;
  }
  interface ConnectionInfo {
    host: string;
    port: string;
    database: string;
    user: string;
  }
  const helper: {
    getFileName(env?: Record<string, string | undefined>): string;
    parseLine(line: string): PgpassEntry | null;
    isValidEntry(entry: PgpassEntry): boolean;
    match(info: ConnectionInfo, entry: PgpassEntry): boolean;
  };
  export default helper;
}
