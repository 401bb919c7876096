/**
 * Characters that a person reading a name cannot see or that change how the text around them is shown:
 * control and format characters (zero-width spaces and joiners, bidi overrides and isolates, the BOM,
 * soft hyphens), private-use, surrogate and unassigned code points, and the default-ignorable ones that
 * are not format characters (Hangul fillers, the combining grapheme joiner, variation selectors), plus
 * the blank Braille pattern. Any of them in a name lets two different names look alike.
 */
const INVISIBLE = /[\p{C}\p{Default_Ignorable_Code_Point}\u2800]/u;

export const hasInvisibleCharacters = (value: string): boolean => INVISIBLE.test(value);
