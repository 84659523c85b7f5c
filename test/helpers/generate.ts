// Generated CSV data for the large-file tests (crash safety, concurrency): written once per test file.
import fs from 'node:fs';

/** customers CSV with `rows` rows G0…; every 1000th lives in "Atlantis" so a filtered listing is small. */
export function writeCustomersFile(file: string, rows: number): number {
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, 'customer_id,name,email,city,notes\n');
    let chunk = '';
    for (let index = 0; index < rows; index += 1) {
      const city = index % 1000 === 0 ? 'Atlantis' : `City ${index % 50}`;
      chunk += `G${index},Generated Person ${index},g${index}@example.com,${city},"note ${index}, with a comma"\n`;
      if (chunk.length > 1 << 20) {
        fs.writeSync(fd, chunk);
        chunk = '';
      }
    }
    fs.writeSync(fd, chunk);
  } finally {
    fs.closeSync(fd);
  }
  return fs.statSync(file).size;
}
