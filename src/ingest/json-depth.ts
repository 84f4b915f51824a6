/**
 * JSON Lines rows are flat records; deeply nested values only come from broken or hostile writers, and the
 * recursive steps after parsing (stringifying nested cells) would overflow the stack on them. The nesting is
 * measured on the text, iteratively, before anything recursive sees it.
 */
export const MAX_JSON_DEPTH = 64;

/** The deepest nesting of objects and arrays in one JSON text (brackets inside strings do not count). */
export function jsonDepth(text: string): number {
  // A text of n characters cannot nest deeper than n / 2: short lines need no scan.
  if (text.length < 2 * MAX_JSON_DEPTH) return 0;
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > deepest) deepest = depth;
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
  }
  return deepest;
}
