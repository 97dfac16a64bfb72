"""Merged columns (pdftotext -layout style): detect gutters, cut lines, read column by column.

The dumps are built here the way pdftotext -layout writes them: real paragraph text (from
fixtures/seeds/000_ed115109cd96ec63.txt) wrapped into columns of N CJK characters, the
columns laid side by side with ASCII spaces up to fixed *display* positions.
"""

from __future__ import annotations

import time

import pytest

from segmenter import columns
from segmenter.columns import (ALIGN_TOLERANCE, MAX_SEGMENTS, MIN_ALIGNED_LINES, MIN_COLUMN_WIDTH,
                               MIN_GAP, split_merged_columns)
from segmenter.containers import Line
from segmenter.textutil import char_width, display_width

# --- text from the seed dump ----------------------------------------------------------------

TEXT_A = ("“我国研发投入再创新高。2024年全社会研发经费投入规模比‘十三五’末增长近 50%，增量达到"
          " 1.2万亿元；研发投入强度提高到 2.68%，接近经济合作与发展组织（OECD）国家平均水平。”"
          "郑栅洁表示。")
TEXT_B = ("从整体看，2024年，我国全社会研发经费投入占GDP的比重达到2.68%，规模增加到3.6万亿元，"
          "稳居全球第二；从主体看，企业是研发投入高增长的主要力量，企业研发投入占比超过 77%；")
TEXT_C = ("此外，中国式创新生态加速形成。近年来，我国企业正以前所未有的热情，积极打造并深度融入"
          "开源生态，促进技术创新和应用发展“双向”赋能。比如，我国深入实施“人工智能（AI）+”"
          "行动，推动AI进入千行百业、千家万户。")
TEXT_D = ("2024年，我国高技术制造业增加值比“十三五”末增长42%，数字经济核心产业增加值增长73.8%，"
          "占GDP比重达到10.4%，提高2.6个百分点……“十四五”期间，我国新兴产业加速壮大。")
TEXT_E = ("同时，我国拥有全球规模最大、门类最齐全、体系最完整的制造体系，产业链供应链韧性和安全"
          "水平不断提升。")
TEXT_F = ("郑栅洁表示，过去几年，我国推动科技创新和产业创新深度融合，有了自主研发的高性能芯片和操作"
          "系统、有了赋能千行百业的AI大模型。")


# --- building dumps -------------------------------------------------------------------------

def wrap(text: str, chars: int) -> list[str]:
    """Wrap into lines of at most `chars` CJK characters (2*chars display columns)."""
    limit = 2 * chars
    out, cur, w = [], "", 0
    for ch in text:
        cw = char_width(ch)
        if w + cw > limit:
            out.append(cur)
            cur, w = "", 0
        cur += ch
        w += cw
    if cur:
        out.append(cur)
    out = [s.strip(" ") for s in out]
    assert all(out)
    return out


def layout(cols: list[list[str]], positions: list[int]) -> list[str]:
    """Lay columns side by side, each starting at its display position (like pdftotext -layout).
    A column piece "" leaves that column empty on that row; a row empty everywhere is a blank
    line.  Pieces may start with spaces (paragraph indent inside the column)."""
    rows = max(len(c) for c in cols)
    out = []
    for r in range(rows):
        line = ""
        for c, pos in zip(cols, positions):
            piece = c[r] if r < len(c) else ""
            if not piece:
                continue
            pad = pos - display_width(line)
            assert pad >= (MIN_GAP if line else 0), (line, piece)
            line += " " * pad + piece
        out.append(line)
    return out


def to_lines(rows: list[str], page: int = 1) -> list[Line]:
    """Non-blank rows as Lines (1-based line numbers, blank lines counted in blank_before)."""
    out, blanks = [], 0
    for n, row in enumerate(rows, 1):
        if not row.strip():
            blanks += 1
            continue
        out.append(Line(text=row, page=page, lineno=n, blank_before=blanks))
        blanks = 0
    return out


def by_column(out: list[Line]) -> dict[int, list[str]]:
    cols: dict[int, list[str]] = {}
    for ln in out:
        cols.setdefault(ln.column, []).append(ln.text)
    return cols


def column_runs(out: list[Line]) -> list[int]:
    """Column numbers in output order, consecutive repeats collapsed."""
    runs: list[int] = []
    for ln in out:
        if not runs or runs[-1] != ln.column:
            runs.append(ln.column)
    return runs


def expected(col: list[str]) -> list[str]:
    return [p.strip() for p in col if p.strip()]


def snapshot(lines: list[Line]) -> list[tuple]:
    return [(ln.text, ln.page, ln.lineno, ln.blank_before, ln.column, ln.markup) for ln in lines]


# --- merged regions -------------------------------------------------------------------------

def test_two_columns_read_one_after_the_other():
    left, right = wrap(TEXT_A, 12), wrap(TEXT_B, 12)
    n = min(len(left), len(right))
    left, right = left[:n], right[:n]
    rows = layout([left, right], [0, 28])
    lines = to_lines(rows)
    out, regions = split_merged_columns(lines)
    assert regions == 1
    assert by_column(out) == {1: left, 2: right}
    assert column_runs(out) == [1, 2]
    # segments keep page and line number; the column's rows are in file order
    assert [ln.lineno for ln in out] == list(range(1, n + 1)) * 2
    assert all(ln.page == 1 for ln in out)
    assert all(ln.blank_before == 0 for ln in out)


def test_positions_are_display_columns_not_code_points():
    # "2024年", "50%", "OECD" on the left make the right column start at different code-point
    # offsets on different lines, at the same display column
    left, right = wrap(TEXT_A, 12), wrap(TEXT_D, 12)
    n = min(len(left), len(right))
    rows = layout([left[:n], right[:n]], [0, 27])
    offsets = {len(r) - len(r[27:]) for r in rows}             # naive code-point split point
    code_starts = {r.index(p) for r, p in zip(rows, right[:n])}
    assert len(code_starts) > 1 and offsets
    out, regions = split_merged_columns(to_lines(rows))
    assert regions == 1
    assert by_column(out) == {1: left[:n], 2: right[:n]}


def test_three_columns_of_different_lengths_and_widths():
    # columns of 12, 16 and 12 characters; column 1 is the longest, column 3 ends first, and
    # column 2 starts two rows lower (its first rows have only columns 1 and 3); paragraph
    # indents (spaces inside the column) are stripped
    c1 = wrap(TEXT_A + TEXT_E, 12)
    c2 = ["", ""] + ["    " + wrap(TEXT_B, 16)[0]] + wrap(TEXT_B, 16)[1:]
    c3 = wrap(TEXT_C, 12)[:5]
    assert len(c1) > len(c2) > len(c3)
    rows = layout([c1, c2, c3], [0, 28, 68])
    # rows where column 1 is empty: the line starts with spaces up to column 2 (none here), and
    # rows where only column 1 is left
    lines = to_lines(rows)
    out, regions = split_merged_columns(lines)
    assert regions == 1
    assert by_column(out) == {1: expected(c1), 2: expected(c2), 3: expected(c3)}
    assert column_runs(out) == [1, 2, 3]
    assert len(out) == len(expected(c1)) + len(expected(c2)) + len(expected(c3))


def test_right_column_longer_lines_start_with_spaces():
    c1 = wrap(TEXT_E, 12)[:3]
    c2 = wrap(TEXT_B, 12)
    rows = layout([c1, c2], [0, 30])
    assert rows[-1].startswith(" " * 30)
    out, regions = split_merged_columns(to_lines(rows))
    assert regions == 1
    assert by_column(out) == {1: c1, 2: c2}


def test_alternating_rows_where_baselines_differ():
    # left and right rows alternate (left-only row, right-only row), with a few rows on both
    left, right = wrap(TEXT_A, 12), wrap(TEXT_B + TEXT_C, 14)
    rows = []
    li = ri = 0
    for r in range(12):
        if r < 2:                                   # rows with both
            rows += layout([[left[li]], [right[ri]]], [0, 30])
            li += 1
            ri += 1
        elif r % 2 == 0:
            rows.append(left[li])
            li += 1
        else:
            rows.append(" " * 30 + right[ri])
            ri += 1
    out, regions = split_merged_columns(to_lines(rows))
    assert regions == 1
    cols = by_column(out)
    assert cols == {1: left[:li], 2: right[:ri]}
    # every other row of a column is empty there: the reader sees a gap ...
    col1 = [ln for ln in out if ln.column == 1]
    assert [ln.blank_before for ln in col1] == [0, 0, 0] + [1] * (li - 3)


def test_blank_row_inside_one_column_and_blank_line_across_all():
    c1 = wrap(TEXT_A, 12)[:8]
    c2 = wrap(TEXT_B, 12)[:3] + [""] + wrap(TEXT_E, 12)[:4]     # paragraph gap in column 2 only
    rows = layout([c1, c2], [0, 28])
    rows.insert(6, "")                                          # a blank line across the page
    lines = to_lines(rows)
    out, regions = split_merged_columns(lines)
    assert regions == 1
    assert by_column(out) == {1: c1, 2: expected(c2)}
    col1 = [ln.blank_before for ln in out if ln.column == 1]
    col2 = [ln.blank_before for ln in out if ln.column == 2]
    assert col1 == [0, 0, 0, 0, 0, 0, 1, 0]       # blank line before row 7
    assert col2 == [0, 0, 0, 1, 0, 1, 0]          # empty row 4, then the blank line
    # the gap rows are visible in line numbers too
    assert [ln.lineno for ln in out if ln.column == 2] == [1, 2, 3, 5, 6, 8, 9]


def test_headline_across_the_page_ends_a_region_and_another_starts_below():
    top = ["科学技术部主管 科技日报社主办 国内统一连续出版物号CN 11—0237 邮发代号1-97",
           "", "我国正大步迈向全球创新中心", "▲▲ 上接第1版", ""]
    r1 = layout([wrap(TEXT_A, 12)[:6], wrap(TEXT_B, 12)[:6]], [0, 28])
    head = ["", "          新兴产业加速壮大 “十四五”期间我国新兴产业加速壮大", ""]
    c1, c2, c3 = wrap(TEXT_C, 10)[:5], wrap(TEXT_D, 10)[:5], wrap(TEXT_F, 10)[:4]
    r2 = layout([c1, c2, c3], [0, 24, 48])
    tail = ["", "责任编辑 王明 校对 李华 版式设计 张强 本版电话 010-58884000 传真 010-58884001"]
    lines = to_lines(top + r1 + head + r2 + tail)
    out, regions = split_merged_columns(lines)
    assert regions == 2
    headline = next(ln for ln in lines if "新兴产业" in ln.text)
    h = out.index(headline)
    assert out[h] is headline
    assert by_column(out[:h]) == {0: ["科学技术部主管 科技日报社主办 国内统一连续出版物号CN 11—0237 邮发代号1-97",
                                      "我国正大步迈向全球创新中心", "▲▲ 上接第1版"],
                                  1: wrap(TEXT_A, 12)[:6], 2: wrap(TEXT_B, 12)[:6]}
    assert by_column(out[h + 1:-1]) == {1: c1, 2: c2, 3: c3}
    assert out[-1] is lines[-1]
    assert column_runs(out) == [0, 1, 2, 0, 1, 2, 3, 0]
    # lines before the first region: unchanged, same objects
    assert all(a is b for a, b in zip(out[:3], lines[:3]))
    # the first segment of a region keeps the blank lines in front of the region
    assert out[3].blank_before == 1 and out[3].column == 1
    assert out[h + 1].blank_before == 1 and out[h + 1].column == 1


def test_eight_columns():
    texts = [TEXT_A, TEXT_B, TEXT_C, TEXT_D, TEXT_E, TEXT_F, TEXT_A[20:], TEXT_B[20:]]
    cols = [wrap(t, 6)[:5] for t in texts]
    rows = layout(cols, [16 * k for k in range(8)])
    out, regions = split_merged_columns(to_lines(rows))
    assert regions == 1
    assert by_column(out) == {k + 1: c for k, c in enumerate(cols)}


def test_markup_and_hard_break_stay_with_the_line_ends():
    left, right = wrap(TEXT_A, 12)[:4], wrap(TEXT_B, 12)[:4]
    lines = to_lines(layout([left, right], [0, 28]))
    lines[0].markup, lines[0].heading_level = "##", 2
    lines[1].hard_break = True
    out, _ = split_merged_columns(lines)
    first = [ln for ln in out if ln.lineno == 1]
    second = [ln for ln in out if ln.lineno == 2]
    assert [(ln.markup, ln.heading_level) for ln in first] == [("##", 2), ("", 0)]
    assert [ln.hard_break for ln in second] == [False, True]


def test_double_space_inside_a_column_stays_in_that_column():
    left = wrap(TEXT_A, 12)[:5]
    left[2] = left[2][:4] + "  " + left[2][4:10]         # "(记者  王明)"-like gap inside column 1
    right = wrap(TEXT_B, 12)[:5]
    out, regions = split_merged_columns(to_lines(layout([left, right], [0, 28])))
    assert regions == 1
    assert by_column(out) == {1: left, 2: right}


def test_width_matches_textutil():
    samples = [TEXT_A, TEXT_B, TEXT_C, "AI进入千行百业", "½×·—…“”‘’", "Ωμ café", "\u3099か\u302a",
               "ｆｕｌｌ　ｗｉｄｔｈ", "한국어", "emoji 😀", "\t tab"]
    for text in samples:
        assert columns._width(text) == display_width(text), text
    # every character the fast path counts as 2 is 2 for textutil too
    for code in range(0x80, 0x10000):
        ch = chr(code)
        if columns._NOT_ASCII_OR_WIDE.match(ch) is None:
            assert char_width(ch) == 2, hex(code)


# --- text that is not merged ----------------------------------------------------------------

NOT_MERGED = [
    "科技日报",
    "科学技术部主管 科技日报社主办 国内统一连续出版物号CN 11—0237 邮发代号1-97 今日8版",
    "",
    "              我国正大步迈向",                # a two-line headline, centred
    "               全球创新中心",
    "",
    "本报讯（记者  王明）“我国研发投入再创新高。2024年全社会研发经费投入规模比‘十三五’末增长近 50%，",
    "增量达到 1.2万亿元；研发投入强度提高到 2.68%，接近经济合作与发展组织（OECD）国家平均水平。”  ",
    "郑栅洁表示。从整体看，2024年，我国全社会研发经费投入占GDP的比重达到2.68%，规模增加到  ",
    "3.6万亿元，稳居全球第二；从主体看，企业是研发投入高增长的主要力量，企业研发投入占比超过  ",
    "77%；",
    "",
    "我国正大步迈向全球创新中心                                    2025年7月10日",
    "从整体看，2024年，我国全社会研发经费投入占GDP的比重达到2.68%，规模增加到3.6万亿元，稳居全球第二",
    "",
    "-   此外，中国式创新生态加速形成。近年来，我国企业正以前所未有的热情，",
    "    积极打造并深度融入开源生态，促进技术创新和应用发展“双向”赋能。",
    "    比如，我国深入实施“人工智能（AI）+”行动，推动AI进入千行百业。",
    "-   同时，我国拥有全球规模最大、门类最齐全、体系最完整的制造体系，",
    "    产业链供应链韧性和安全水平不断提升。",
    "",
    "本期导读",
    "我国正大步迈向全球创新中心              2版",
    "三部门发《通知》推进零碳园区建设        3版",
    "新兴产业加速壮大                        4版",
]


def test_text_that_is_not_merged_comes_back_unchanged():
    lines = to_lines(NOT_MERGED)
    before = snapshot(lines)
    out, regions = split_merged_columns(lines)
    assert regions == 0
    assert len(out) == len(lines) and all(a is b for a, b in zip(out, lines))
    assert snapshot(lines) == before


def test_lines_outside_regions_are_the_same_objects_and_input_is_not_modified():
    rows = NOT_MERGED[:6] + layout([wrap(TEXT_A, 12)[:5], wrap(TEXT_B, 12)[:5]], [0, 28]) \
        + [""] + NOT_MERGED[6:12]
    lines = to_lines(rows)
    before = snapshot(lines)
    out, regions = split_merged_columns(lines)
    assert regions == 1
    assert snapshot(lines) == before
    assert all(a is b for a, b in zip(out[:4], lines[:4]))
    assert all(a is b for a, b in zip(out[-5:], lines[-5:]))
    assert len(out) == len(lines) - 5 + 10
    # deterministic
    again, _ = split_merged_columns(lines)
    assert snapshot(again) == snapshot(out)


def test_trailing_spaces_are_never_a_gap():
    # markdown hard breaks: lines ending in two (or more) spaces, lined up
    rows = [t + "  " for t in wrap(TEXT_A, 12)[:5]] + [t + "      " for t in wrap(TEXT_B, 12)[:5]]
    lines = to_lines(rows)
    out, regions = split_merged_columns(lines)
    assert regions == 0 and all(a is b for a, b in zip(out, lines))


def test_right_hand_text_alone_is_not_a_column():
    # a centred two-line headline lined up with the name after "（记者  " on the next line:
    # three rows start at the same x, but there is no left column
    rows = ["              我国正大步迈向", "              全球创新中心",
            "本报讯（记者  王明）“我国研发投入再创新高。", "2024年全社会研发经费投入规模比‘十三五’末增长近"]
    lines = to_lines(rows)
    out, regions = split_merged_columns(lines)
    assert regions == 0 and all(a is b for a, b in zip(out, lines))


def test_single_line_with_a_big_gap_is_not_split():
    rows = ["我国正大步迈向全球创新中心" + " " * 30 + "2025年7月10日 星期四"]
    lines = to_lines(rows + wrap(TEXT_A, 20))
    out, regions = split_merged_columns(lines)
    assert regions == 0 and all(a is b for a, b in zip(out, lines))


def test_empty_and_short_input():
    assert split_merged_columns([]) == ([], 0)
    lines = to_lines(["我国正大步迈向      全球创新中心"])
    out, regions = split_merged_columns(lines)
    assert regions == 0 and out[0] is lines[0]


# --- the named thresholds -------------------------------------------------------------------

def _block(gap: int = 4, rows: int = 4, jitter: dict[int, int] | None = None,
           left_chars: int = 12) -> tuple[list[Line], list[str], list[str]]:
    """`rows` both-sided rows between two full-width lines; the right column starts `gap`
    columns after the widest left piece, shifted by jitter[row] on some rows."""
    left = wrap(TEXT_A, left_chars)[:rows]
    right = wrap(TEXT_B, 12)[:rows]
    x = max(display_width(t) for t in left) + gap
    body = []
    for r, (a, b) in enumerate(zip(left, right)):
        pos = x + (jitter or {}).get(r, 0)
        body.append(a + " " * (pos - display_width(a)) + b)
    full = TEXT_C[:40]
    assert display_width(full) > x + 30
    return to_lines([full] + body + [full]), left, right


def test_min_gap():
    assert MIN_GAP == 2
    lines, left, right = _block(gap=MIN_GAP)
    out, regions = split_merged_columns(lines)
    assert regions == 1 and by_column(out[1:-1]) == {1: left, 2: right}
    # one space less: ordinary text
    lines, _, _ = _block(gap=MIN_GAP - 1)
    out, regions = split_merged_columns(lines)
    assert regions == 0 and all(a is b for a, b in zip(out, lines))


def test_min_aligned_lines():
    assert MIN_ALIGNED_LINES == 3
    lines, left, right = _block(rows=MIN_ALIGNED_LINES)
    out, regions = split_merged_columns(lines)
    assert regions == 1 and by_column(out[1:-1]) == {1: left, 2: right}
    lines, _, _ = _block(rows=MIN_ALIGNED_LINES - 1)
    out, regions = split_merged_columns(lines)
    assert regions == 0 and all(a is b for a, b in zip(out, lines))


@pytest.mark.parametrize("sign", [1, -1])
def test_align_tolerance(sign):
    assert ALIGN_TOLERANCE == 2
    assert ALIGN_TOLERANCE <= MIN_GAP      # see the constant's comment
    mid = MIN_ALIGNED_LINES // 2
    # the right column starts ALIGN_TOLERANCE off on one of MIN_ALIGNED_LINES rows: accepted
    lines, left, right = _block(gap=6, rows=MIN_ALIGNED_LINES, jitter={mid: sign * ALIGN_TOLERANCE})
    out, regions = split_merged_columns(lines)
    assert regions == 1 and by_column(out[1:-1]) == {1: left, 2: right}
    # one more: that row is not aligned, and the rest are too few
    lines, _, _ = _block(gap=6, rows=MIN_ALIGNED_LINES, jitter={mid: sign * (ALIGN_TOLERANCE + 1)})
    out, regions = split_merged_columns(lines)
    assert regions == 0 and all(a is b for a, b in zip(out, lines))


def test_align_tolerance_alternating_jitter():
    # rows alternate between x and x+ALIGN_TOLERANCE (half-width/full-width rounding)
    jitter = {r: ALIGN_TOLERANCE * (r % 2) for r in range(6)}
    lines, left, right = _block(gap=4, rows=6, jitter=jitter)
    out, regions = split_merged_columns(lines)
    assert regions == 1 and by_column(out[1:-1]) == {1: left, 2: right}


def _narrow(left_w: int, right_w: int) -> list[Line]:
    rows = []
    for r in range(5):
        a = ("ABCDEFGHIJKLMNOP"[r:] + "ABCDEFGHIJKLMNOP")[:left_w]
        b = ("abcdefghijklmnop"[r:] + "abcdefghijklmnop")[:right_w]
        rows.append(a + " " * 4 + b)
    return to_lines(rows)


def test_min_column_width():
    assert MIN_COLUMN_WIDTH == 8
    out, regions = split_merged_columns(_narrow(MIN_COLUMN_WIDTH, MIN_COLUMN_WIDTH))
    assert regions == 1 and len(out) == 10
    for lw, rw in ((MIN_COLUMN_WIDTH - 1, 20), (20, MIN_COLUMN_WIDTH - 1)):
        lines = _narrow(lw, rw)
        out, regions = split_merged_columns(lines)
        assert regions == 0 and all(a is b for a, b in zip(out, lines))


def test_max_segments():
    assert MAX_SEGMENTS == 16

    def table(ncols: int) -> list[Line]:
        cols = [[f"{chr(65 + k % 26)}{r}xxxxxxx" for r in range(4)] for k in range(ncols)]
        return to_lines(layout(cols, [12 * k for k in range(ncols)]))

    out, regions = split_merged_columns(table(MAX_SEGMENTS))
    assert regions == 1 and max(ln.column for ln in out) == MAX_SEGMENTS
    lines = table(MAX_SEGMENTS + 1)
    out, regions = split_merged_columns(lines)
    assert regions == 0 and all(a is b for a, b in zip(out, lines))


# --- cost -----------------------------------------------------------------------------------

def _big_page(chars: int) -> list[Line]:
    text = (TEXT_A + TEXT_B + TEXT_C + TEXT_D + TEXT_E + TEXT_F) * 60
    cols = [wrap(text[k::3], 12) for k in range(3)]
    rows = layout(cols, [0, 28, 56])
    out, total = [], 0
    for row in rows:
        out.append(row)
        total += len(row)
        if total >= chars:
            break
    return to_lines(out)


def test_twenty_thousand_characters_page():
    # speed is measured in benchmarks/bench_textdump.py, not asserted here
    lines = _big_page(20_000)
    assert sum(len(ln.text) for ln in lines) >= 20_000
    out, regions = split_merged_columns(lines)
    assert regions == 1 and max(ln.column for ln in out) == 3


@pytest.mark.parametrize("line", [
    "甲" * 1_000_000,                            # one huge piece
    "ab  " * 250_000,                            # a million characters of pieces
    ("研发投入" * 1000 + "   ") * 250,              # many huge pieces
])
def test_a_million_character_line_does_not_blow_up(line):
    page = _big_page(3_000)
    lines = page[:20] + to_lines([line]) + page[20:]
    # a hang guard, not a speed target: quadratic work per line would take minutes here
    t = time.perf_counter()
    out, regions = split_merged_columns(lines)
    assert time.perf_counter() - t < 10.0
    assert lines[20] in out and regions >= 1


def test_module_exports():
    for name in ("MIN_GAP", "MIN_ALIGNED_LINES", "ALIGN_TOLERANCE", "MIN_COLUMN_WIDTH",
                 "MAX_SEGMENTS", "split_merged_columns"):
        assert hasattr(columns, name)
