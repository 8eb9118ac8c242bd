/**
 * Valence of the emoji most used in chat and journal texts, on AFINN's scale (-5 … 5). The
 * tokeniser keeps only words, so sentiment.ts reads these from the text itself, by code point
 * (a variation selector after one changes nothing).
 * Source: written for Luna Hub from the emoji's usual meaning (Unicode names); no list copied.
 * Licence: this project's own.
 */
export const EMOJI_VALENCE: ReadonlyMap<number, number> = new Map<number, number>(
  (
    [
      // Joy, pride, relief, thanks, encouragement
      ["🎉", 3], ["🎊", 3], ["🥳", 3], ["🤩", 3], ["😍", 3], ["🥰", 3], ["🏆", 3], ["❤", 3], ["💖", 3], ["💗", 2],
      ["💚", 2], ["💙", 2], ["💜", 2], ["🧡", 2], ["💛", 2], ["😊", 2], ["😀", 2], ["😃", 2], ["😄", 2], ["😁", 2],
      ["😆", 2], ["😎", 2], ["😌", 2], ["☺", 2], ["😇", 2], ["💪", 2], ["👍", 2], ["👏", 2], ["🙌", 2], ["💯", 2],
      ["🚀", 2], ["🙂", 1], ["✨", 1], ["🙏", 1], ["✅", 1], ["🤞", 1], ["🍀", 1], ["☀", 1], ["🌞", 1], ["🥂", 2],
      ["🍾", 2], ["😂", 1], ["🤣", 1],
      // Sadness, fatigue, fear, anger
      ["😭", -3], ["💔", -3], ["😡", -3], ["😠", -3], ["🤬", -3], ["😢", -2], ["😞", -2], ["😔", -2], ["😩", -2],
      ["😫", -2], ["😰", -2], ["😱", -2], ["😤", -2], ["😟", -2], ["😣", -2], ["😖", -2], ["😵", -2], ["☹", -2],
      ["👎", -2], ["🙄", -1], ["😬", -1], ["😕", -1], ["🙁", -1], ["😓", -1], ["😥", -1], ["😪", -1], ["🥺", -1],
      ["🤯", -1], ["🫠", -1], ["🥲", -1], ["😒", -1], ["😑", -1], ["💀", -1]
    ] as ReadonlyArray<readonly [string, number]>
  ).map(([emoji, value]) => [emoji.codePointAt(0)!, value] as const)
)
