/**
 * The one cleaning every free-text input goes through before it is stored or shown: no markup,
 * no invisible or direction-spoofing characters, one Unicode form, tidy whitespace. Pure and
 * total; idempotent, never longer than its input, and the result never contains `<` followed by
 * a letter, `!`, `/` or `?` (so no tag can come back, whatever was removed around it).
 * Entities are left as typed (`&lt;` stays), a tab counts as a space, and an unclosed
 * `<script>` loses its tag only: the text after it is kept, as text.
 */

/** Cc except `\t` and `\n` (`\r` is turned into `\n` first), bidi controls, zero-width characters, BOM. */
const INVISIBLE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200B-\u200D\u2060\u202A-\u202E\u2066-\u2069\uFEFF]/g
/** Half a surrogate pair: not text, and Postgres cannot store it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g
const LINE_BREAK = /\r\n?/g

const NON_ASCII = /[^\u0000-\u007F]/
/**
 * No canonical composition or reordering crosses the start of an ASCII character, so NFC can be
 * applied to these pieces one by one (an ASCII character, if any, and the non-ASCII run after it).
 */
const NFC_PIECE = /[\u0000-\u007F]?[^\u0000-\u007F]+/g

const TAG_START = /[A-Za-z!/?]/
const ANGLE = /[<>]/g
/** Elements removed with their content; `y`: matched right after the `<`. */
const RAW_TEXT_OPEN = /(script|style)(?![A-Za-z0-9-])/iy
const RAW_TEXT_CLOSE: Record<string, RegExp> = {
  script: /<\/script(?![A-Za-z0-9-])[^<>]*>/gi,
  style: /<\/style(?![A-Za-z0-9-])[^<>]*>/gi
}
/**
 * What is left of a tag once the scan is done (`<` before a name, `<!`, `</`, `<?`), however many
 * `<`; tried only where a run of `<` starts, so a long run is scanned once, not once per `<`.
 */
const TAG_OPENING = /(?<!<)<+(?=[A-Za-z!/?])/g

const BLANKS = /[ \t]+/g
const SPACE_BEFORE_LINE_BREAK = / \n/g

/**
 * Cleans until nothing changes. A pass can expose work for the next: NFC after a removed tag may
 * turn a sign into a letter right after a `<` (see the tests). After the first pass a pass changes
 * the text only by removing something, so the loop ends; the bound is there in case that ever
 * stops holding. In practice the second pass only confirms.
 */
export const sanitiseText = (input: string): string => {
  let text = input
  for (let pass = 0; pass <= input.length + 1; pass++) {
    const next = cleanOnce(text)
    if (next === text) return text
    text = next
  }
  return text
}

const cleanOnce = (input: string): string => {
  const visible = input.replace(LINE_BREAK, "\n").replace(INVISIBLE, "").replace(LONE_SURROGATE, "")
  // NFC before the markup scan (U+212A KELVIN SIGN becomes `K`), and after it (a removed tag may
  // join a letter and its accent).
  const unmarked = removeMarkup(composeNoLonger(visible)).replace(TAG_OPENING, "")
  return composeNoLonger(unmarked).replace(BLANKS, " ").replace(SPACE_BEFORE_LINE_BREAK, "\n").trim()
}

/**
 * NFC, except for a piece that NFC would lengthen (a few composition exclusions such as U+0958 or
 * U+FB2C decompose into more code units): that piece is kept as given, so the text never grows.
 */
const composeNoLonger = (text: string): string => {
  if (!NON_ASCII.test(text) || text.normalize("NFC") === text) return text
  return text.replace(NFC_PIECE, (piece) => {
    const composed = piece.normalize("NFC")
    return composed.length <= piece.length ? composed : piece
  })
}

/**
 * One scan, left to right, linear in the length: comments and `<script>`/`<style>` elements go
 * with their content, any other tag (`<` + letter, `!`, `/` or `?` … `>`, no `<` inside) goes and
 * its inner text stays. What a removal joins together is handled by `TAG_OPENING` afterwards.
 */
const removeMarkup = (text: string): string => {
  let at = text.indexOf("<")
  if (at === -1) return text
  const lastCommentEnd = text.lastIndexOf("-->")
  /** Per raw-text element, a position from which no closing tag exists: searches never repeat. */
  const unclosedFrom: Record<string, number> = {}
  let kept = ""
  let copiedTo = 0
  while (at !== -1) {
    const end = markupEnd(text, at, lastCommentEnd, unclosedFrom)
    if (end === -1) {
      at = text.indexOf("<", at + 1)
    } else {
      kept += text.slice(copiedTo, at)
      copiedTo = end
      at = text.indexOf("<", end)
    }
  }
  return kept + text.slice(copiedTo)
}

/** The index just past the markup starting at `at`, or -1 when the `<` there starts none. */
const markupEnd = (text: string, at: number, lastCommentEnd: number, unclosedFrom: Record<string, number>): number => {
  if (text.startsWith("<!--", at) && lastCommentEnd >= at + 4) return text.indexOf("-->", at + 4) + 3
  if (!TAG_START.test(text.charAt(at + 1))) return -1
  ANGLE.lastIndex = at + 1
  const angle = ANGLE.exec(text)
  if (angle === null || angle[0] === "<") return -1
  const tagEnd = angle.index + 1
  RAW_TEXT_OPEN.lastIndex = at + 1
  const raw = RAW_TEXT_OPEN.exec(text)
  if (raw === null) return tagEnd
  const name = raw[1]!.toLowerCase()
  const close = RAW_TEXT_CLOSE[name]!
  if (tagEnd >= (unclosedFrom[name] ?? Infinity)) return tagEnd
  close.lastIndex = tagEnd
  const closing = close.exec(text)
  if (closing === null) {
    // Never closed: only the opening tag goes; the rest is kept as text.
    unclosedFrom[name] = tagEnd
    return tagEnd
  }
  return closing.index + closing[0].length
}
