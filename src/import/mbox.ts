// Splitting an mbox file into its messages as bytes, streamed (a mailbox can be gigabytes; one message is held at a
// time). The messages themselves are parsed by postal-mime (import/mail.ts); this is only the mbox framing.
//
// A message starts at a "From " line (the From_ line: "From sender@example.com Tue Nov  3 10:00:00 2026") at the start
// of the file or after an empty line, which ends the message before it; or at a From_ line with no empty line before
// it when the line is a full postmark (a sender and a date, as mail programs write it): some programs write no empty
// line between messages, and a body line of text ("From the warehouse …") has no date. Lines of a body that began with "From " were
// written as ">From " by the mail program; mboxrd writes ">>From " for a body line ">From ", and reading one ">" off
// every line matching ^>+From  gives the body back in both mboxrd and mboxo files (mboxo cannot tell the two apart;
// a body line that really began with ">From " comes back as "From ", a difference no contact summary shows).
import type { Readable } from 'node:stream';

export interface MboxMessage {
  /** 1-based position in the file. */
  number: number;
  /** The file line its From_ line is on (1-based). */
  line: number;
  /** The From_ line without "From " and the line end (sender and delivery time), for a message without a Date. */
  envelope: string;
  /** The message as the mail program wrote it, From_ line removed and ">From " unquoted; line ends kept. */
  raw: Buffer;
}

const NL = 0x0a;
const FROM = Buffer.from('From ');
/** ">" followed by more ">" and "From ": one ">" is removed. */
const quotedFrom = /^>+From /;

/**
 * A From_ line as mail programs write it: a sender (or "-"), then the delivery time in asctime form, a zone or its
 * name maybe before the year ("From MAILER-DAEMON Fri Jul  8 12:08:34 2011", "From 1@xxx Sat Mar 12 19:08:42 +0000 2016").
 */
const POSTMARK = /^From \S+ +(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) +(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d{1,2} +\d{1,2}:\d{2}(?::\d{2})? +(?:(?:[+-]\d{4}|[A-Z]{3,5}) +)?\d{4}\s*$/;

function isPostmark(line: Buffer): boolean {
  return line.length <= 256 && POSTMARK.test(line.toString('latin1'));
}

function startsWithFrom(line: Buffer): boolean {
  return line.length >= FROM.length && line.subarray(0, FROM.length).equals(FROM);
}

/** A line with nothing but its line end. */
function isEmptyLine(line: Buffer): boolean {
  return line.length === 0 || (line.length === 1 && line[0] === NL) || (line.length === 2 && line[0] === 0x0d && line[1] === NL);
}

function unquote(line: Buffer): Buffer {
  if (line.length < 6 || line[0] !== 0x3e) return line;
  // Only the start is looked at as text (latin1 keeps every byte one character).
  const head = line.subarray(0, Math.min(line.length, 256)).toString('latin1');
  return quotedFrom.test(head) ? line.subarray(1) : line;
}

/**
 * Whether BYTES begins like an mbox: its first line is a From_ line. An empty file is an empty mbox.
 */
export function looksLikeMbox(head: Buffer): boolean {
  return head.length === 0 || startsWithFrom(head);
}

/** The lines of STREAM, each with its line end (the last one may have none). */
async function* lines(stream: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
  let rest: Buffer | null = null;
  for await (const chunk of stream) {
    let data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (rest !== null) {
      data = Buffer.concat([rest, data]);
      rest = null;
    }
    let start = 0;
    for (let end = data.indexOf(NL, start); end !== -1; end = data.indexOf(NL, start)) {
      yield data.subarray(start, end + 1);
      start = end + 1;
    }
    if (start < data.length) rest = Buffer.from(data.subarray(start));
  }
  if (rest !== null && rest.length > 0) yield rest;
}

/**
 * The messages of an mbox stream, in order. The caller has checked that it starts with a From_ line (looksLikeMbox).
 * The empty line before the next From_ line belongs to the mbox, not to the message.
 */
export async function* splitMbox(stream: Readable | AsyncIterable<Buffer | string>): AsyncGenerator<MboxMessage> {
  let parts: Buffer[] = [];
  let current: { number: number; line: number; envelope: string } | null = null;
  let pendingEmpty: Buffer | null = null;
  let lineNumber = 0;
  let previousEmpty = true;
  let count = 0;
  const finish = (): MboxMessage | null => {
    if (current === null) return null;
    const message = { ...current, raw: Buffer.concat(parts) };
    parts = [];
    return message;
  };
  for await (const line of lines(stream)) {
    lineNumber += 1;
    if (startsWithFrom(line) && (previousEmpty || isPostmark(line))) {
      // The empty line before a From_ line separates messages: it is dropped.
      pendingEmpty = null;
      const done = finish();
      if (done) yield done;
      count += 1;
      current = { number: count, line: lineNumber, envelope: line.toString('latin1').slice(FROM.length).replace(/\r?\n$/, '') };
      previousEmpty = false;
      continue;
    }
    if (current === null) {
      // Text before the first From_ line: not an mbox (looksLikeMbox checks the first line, so only a stream that
      // changed under us gets here).
      throw new Error(`line ${lineNumber} comes before the first "From " line`);
    }
    if (pendingEmpty !== null) {
      parts.push(pendingEmpty);
      pendingEmpty = null;
    }
    previousEmpty = isEmptyLine(line);
    if (previousEmpty) pendingEmpty = line;
    else parts.push(unquote(line));
  }
  // The last message keeps no trailing empty line either (mbox writers end every message with one).
  const done = finish();
  if (done) yield done;
}
