"""Every number the extractor decides with, its unit, and why it is what it is.

Units: `em` is a multiple of the font size of the line concerned; `leading` is a multiple of the
document's own body leading (baseline to baseline of consecutive running-text lines, measured
per report in `profile.py`); `pt` is PDF points; shares are fractions of a count. No threshold is
a fraction of the page width: typesetters set headings in measures of their own.
"""

from __future__ import annotations

# -- characters into lines (layout.py) ------------------------------------------------------

ROW_OVERLAP = 0.5  # share of the smaller glyph height two glyphs must overlap to share a row
MARKER_SIZE = 0.9  # em: a footnote marker is set at most this size of its line's text...
MARKER_RISE = 0.2  # em: ...with its baseline raised at least this much above the line's
MARKER_RISE_SMALL = 0.1  # em: a much smaller glyph (<= MARKER_TINY) needs only this rise
MARKER_TINY = 0.75  # em
WORD_GAP = 0.2  # em: a horizontal gap wider than this between glyphs is a space
TAB_GAP = 2.5  # em: a gap wider than this is a tab (a TOC's page number, a table column)
DUPLICATE_GLYPH = 0.3  # glyph widths: the same glyph drawn again this close is fake bold
STYLE_SIZE_STEP = 0.5  # pt: font sizes are compared after rounding to this step

# -- page furniture (layout.py) -------------------------------------------------------------

MARGIN_BAND = 0.11  # share of the page height at top and bottom where headers and folios live
REPEAT_SHARE = 0.3  # a margin line repeated on this share of pages (and >= 3) is a header
SMALL_PRINT = 0.5  # pt: text this much smaller than the body is small print (notes, captions)
FOOTNOTE_ZONE = 0.4  # share of the page height below which small print counts as a footnote

# -- the document's own units (profile.py) --------------------------------------------------

LEADING_MIN = 0.9  # em: baseline distances below this are not line spacing (overprint)...
LEADING_MAX = 2.5  # em: ...and above this are paragraph or section gaps
DEFAULT_LEADING = 1.2  # em: line spacing assumed when a report has too little running text

# -- what a line is (classify.py) -----------------------------------------------------------

EMPHASIS_SHARE = 0.9  # share of a line's letters that must be set apart for a heading line
SIZE_EMPHASIS = 0.5  # pt: a size this much larger than the body sets text apart
CAPS_MAX_WORDS = 14  # a capitals line longer than this is running text, not a heading
PARAGRAPH_GAP = 1.25  # leading: a baseline distance above this starts a new paragraph
STYLE_MAJORITY = 0.75  # share of a heading style's uses that fixes its role everywhere...
STYLE_MAJORITY_MIN = 3  # ...when it is used at least this many times

# -- joining heading lines (classify.py): evidence in log-odds, positive joins --------------

JOIN_NO_TEXT = 3.0  # two lines of one heading style with no text between: one heading
JOIN_CONNECTOR = 3.0  # the first line ends with a comma, a hyphen, `and`, `of`, `(`...
JOIN_OPEN_PAREN = 3.0  # the first line opens a parenthesis it does not close
JOIN_LOWERCASE = 2.0  # the second line starts in lower case
JOIN_DESCRIPTOR = 2.0  # the second line starts with a descriptor (`Market, Shanghai`)
JOIN_TIGHT = 1.0  # the lines are set at the heading's own leading
JOIN_TOC_WHOLE = 8.0  # the table of contents prints the joined text as one name
SPLIT_TOC_PARTS = -8.0  # the table of contents prints each line as a name of its own
SPLIT_TOC_FIRST = -3.0  # it prints the first line as a name, but not the second
SPLIT_GROUP = -8.0  # the first line names a country: it heads a group
SPLIT_CATEGORY = -4.0  # the first line names a category of online markets (`Cyberlockers`)
JOIN_FULL_MEASURE = 3.0  # a run-in name's first line fills the text measure: the name wrapped
SPLIT_SHORT_OVER_RUNIN = -4.0  # a short line over a run-in paragraph is that group's heading
SPLIT_MISALIGNED = -2.0  # the lines share neither a left edge nor a centre
SPLIT_LOOSE = -2.0  # the lines are farther apart than the heading's own leading allows
SPLIT_PAGE_BREAK = -1.0  # a page break between the lines
SPLIT_COMPLETE = -3.0  # the second line is a heading on its own (it prints a domain, a city)
TIGHT_EXTRA = 0.35  # em: a wrap sits at most this far beyond the report's line spacing
LOOSE_EXTRA = 0.6  # em: lines this far beyond the report's line spacing are separate

# -- choosing among readings (reconcile.py) -------------------------------------------------

FLIP_FLOOR = -6.0  # log-odds: a reading decided more firmly than this is never flipped
TIE_MARGIN = 0.5  # log-odds: two readings within this of each other are a tie
