/** Appends reference tokens to a JSON Pointer, escaping `~` and `/` as RFC 6901 requires. */
export function childPointer(base: string, ...tokens: Array<string | number>): string {
  let pointer = base;
  for (const token of tokens) {
    const text = String(token);
    pointer += `/${text.includes('~') || text.includes('/') ? text.replace(/~/g, '~0').replace(/\//g, '~1') : text}`;
  }
  return pointer;
}

/** The last reference token of a pointer, unescaped: a task's name. */
export function lastToken(pointer: string): string {
  const token = pointer.slice(pointer.lastIndexOf('/') + 1);
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}
