// Full-width characters as Chinese input methods type them, read as their ASCII equivalents.

const FULL_WIDTH = /[\uFF01-\uFF5E\u3000]/;
const FULL_WIDTH_ALL = /[\uFF01-\uFF5E\u3000]/g;

/**
 * Full-width ASCII (U+FF01–U+FF5E, as Chinese input methods type digits and punctuation: "２０２６年１１月２２日",
 * "１２.００") and the ideographic space, as their ASCII equivalents; other text is returned as it is.
 */
export function halfWidth(text: string): string {
  if (!FULL_WIDTH.test(text)) return text;
  return text.replace(FULL_WIDTH_ALL, (char) => (char === '\u3000' ? ' ' : String.fromCharCode(char.charCodeAt(0) - 0xfee0)));
}
