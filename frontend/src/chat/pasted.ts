// Pasted errors become their own context item instead of bloating the message.
const ERROR_LIKE =
  /Traceback \(most recent call last\)|^\s*at .+:\d+|\b\w*(Error|Exception)\b.*:|^error(\[\w+\])?:|panicked at/m;

/** A multi-line paste that looks like an error or a stack trace. */
export function looksLikeError(text: string): boolean {
  return text.trim().split("\n").length >= 2 && ERROR_LIKE.test(text);
}
