// A PostgreSQL password as the server stores it: a SCRAM-SHA-256 verifier (RFC 5802, RFC 7677), computed here as
// psql's \password does, so the password itself never reaches the server, its statement log or pg_stat_activity.
import crypto from 'node:crypto';

const ITERATIONS = 4096;

function hmac(key: Buffer, text: string): Buffer {
  return crypto.createHmac('sha256', key).update(text).digest();
}

/**
 * 'SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>' for PASSWORD. The password is normalised as libpq's
 * SASLprep does for ordinary text (NFKC), so psql and crm log in with the same typed password.
 */
export function scramVerifier(password: string, salt: Buffer = crypto.randomBytes(16), iterations = ITERATIONS): string {
  const salted = crypto.pbkdf2Sync(Buffer.from(password.normalize('NFKC'), 'utf8'), salt, iterations, 32, 'sha256');
  const clientKey = hmac(salted, 'Client Key');
  const storedKey = crypto.createHash('sha256').update(clientKey).digest();
  const serverKey = hmac(salted, 'Server Key');
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}
