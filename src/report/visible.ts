// Text from the database made safe to print: characters a terminal would obey (escape sequences, bidi
// overrides, line breaks) are written out as visible escapes such as \x1b instead of being sent raw.
// Nothing is dropped, so a name that holds them is still told apart from one that does not.

/**
 * C0 controls (tab and newline included: inside a table cell they break the grid), DEL, the C1 controls
 * U+0080–U+009F (U+009B is a one-byte CSI), the line and paragraph separators, and the bidi marks,
 * embeddings, overrides and isolates that reorder what follows them on screen.
 */
const invisible = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/gu;

const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeOne(char: string): string {
  const named1 = named[char];
  if (named1 !== undefined) return named1;
  const code = char.codePointAt(0)!;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** The text with every control, separator and bidi control shown as an escape (\x1b, \n, \u202e). */
export function visibleText(text: string): string {
  return text.replace(invisible, escapeOne);
}

/** A multi-line block (a chart) made visible line by line: its own line breaks are kept. */
export function visibleLines(text: string): string {
  return text.split('\n').map(visibleText).join('\n');
}
