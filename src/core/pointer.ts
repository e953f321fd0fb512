/** Appends reference tokens to a JSON Pointer, escaping `~` and `/` as RFC 6901 requires. */
export function childPointer(base: string, ...tokens: Array<string | number>): string {
  return tokens.reduce<string>((pointer, token) => `${pointer}/${String(token).replace(/~/g, '~0').replace(/\//g, '~1')}`, base);
}

/** The last reference token of a pointer, unescaped: a task's name. */
export function lastToken(pointer: string): string {
  const token = pointer.slice(pointer.lastIndexOf('/') + 1);
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}
