"""The supervision record as one self-contained HTML page.

No scripts, no external styles or fonts: inline CSS and an inline SVG chart, so
the file opens anywhere and leaks nothing. Every piece of user text goes
through `esc` (HTML escaping after removing control characters). The page prints
cleanly: no backgrounds needed to read it, turns kept whole across pages.
"""

from __future__ import annotations

from html import escape

from conversation_coach.report.record import (
    ExportRecord,
    details,
    move_name,
    override_changes,
    stage_name,
    supervisor_added_traps,
    title,
    trap_name,
)
from conversation_coach.review import format_kappa, format_percent
from conversation_coach.rubric.assessment import Assessment
from conversation_coach.textsafe import clean_for_display
from conversation_coach.transcript.model import Turn

STAGE_COLOURS = {1: "#1b5e9a", 2: "#1f7a70", 3: "#6a4c9c", 4: "#a3620a", 5: "#2e6b30"}
NO_STAGE_COLOUR = "#8a8f98"

CSS = """
:root { --ink: #1d232b; --muted: #535c68; --line: #cfd5dd; --soft: #f3f5f8; --trap: #a4271c; --sup: #7a4b00; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color: var(--ink); background: #fff; line-height: 1.5; margin: 0; font-size: 16px; }
main { max-width: 58rem; margin: 0 auto; padding: 2rem 1.5rem 4rem; }
h1 { font-size: 1.7rem; margin: 0 0 .75rem; }
h2 { font-size: 1.3rem; margin: 2.2rem 0 .6rem; padding-bottom: .25rem; border-bottom: 2px solid var(--line); }
h3 { font-size: 1.05rem; margin: 1.3rem 0 .4rem; }
p { margin: .4rem 0; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: 0 0 1rem; }
.meta dt { font-weight: 600; color: var(--muted); }
.meta dd { margin: 0; }
.score { font-size: 1.25rem; margin: .5rem 0; }
.score strong { font-size: 1.6rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .95rem; }
th, td { text-align: left; vertical-align: top; padding: .35rem .5rem; border-bottom: 1px solid var(--line); }
th { background: var(--soft); }
td.num, th.num { text-align: right; white-space: nowrap; }
table.parts td:first-child { white-space: nowrap; }
.chart { margin: .5rem 0 1rem; }
.chart svg { width: 100%; height: auto; max-width: 46rem; display: block; }
.band-good { color: #1f6b2a; font-weight: 600; }
.band-fair { color: #8a5a00; font-weight: 600; }
.band-below-fair { color: var(--trap); font-weight: 600; }
.trap-card { border: 1px solid var(--line); border-left: 5px solid var(--trap); border-radius: 4px;
             padding: .6rem .9rem; margin: .8rem 0; break-inside: avoid; }
.trap-card h3 { margin-top: 0; }
.trap-card.added { border-left-color: var(--sup); }
blockquote { margin: .4rem 0; padding: .3rem .8rem; border-left: 3px solid var(--line); color: var(--ink);
             background: var(--soft); font-style: italic; }
.why, .rewrite { margin: .3rem 0; }
.label { font-weight: 600; }
.turns { list-style: none; padding: 0; margin: 0; }
.turn { border: 1px solid var(--line); border-radius: 4px; padding: .5rem .8rem; margin: .5rem 0;
        break-inside: avoid; }
.turn.person { background: var(--soft); }
.turn .who { font-weight: 700; margin-right: .4rem; }
.turn .n { color: var(--muted); font-size: .85rem; margin-right: .4rem; }
.turn .said { white-space: pre-wrap; overflow-wrap: anywhere; }
.coding, .supervisor { font-size: .92rem; margin-top: .35rem; }
.chip { display: inline-block; border: 1px solid var(--line); border-radius: 999px; padding: 0 .5rem;
        margin: .1rem .2rem .1rem 0; font-size: .85rem; white-space: nowrap; }
.chip.trap { border-color: var(--trap); color: var(--trap); font-weight: 600; }
.chip.stage { color: #fff; border-color: transparent; }
.supervisor { border-left: 3px solid var(--sup); padding-left: .6rem; }
.supervisor .label { color: var(--sup); }
mark.trap { background: #fde2df; color: inherit; border-bottom: 2px solid var(--trap); padding: 0 .1rem; }
details { margin-top: .3rem; font-size: .88rem; color: var(--muted); }
details ul { margin: .2rem 0; padding-left: 1.2rem; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .88em; }
.questions h3 { margin-top: 1rem; }
.questions ul { margin: .2rem 0 .6rem; }
.note { color: var(--muted); font-size: .9rem; }
footer { margin-top: 3rem; color: var(--muted); font-size: .85rem; }
@media print {
  body { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  .turn.person, th, blockquote { background: none; }
  .chip.stage { color: var(--ink); border-color: var(--ink); }
  mark.trap { background: none; text-decoration: underline; }
  details { display: none; }
}
"""


def esc(text: object) -> str:
    """HTML-escaped (quotes too), with terminal controls and invisible format characters made visible."""
    return escape(clean_for_display(str(text)), quote=True)


def render_html(record: ExportRecord) -> str:
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en-GB">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">",
        '<meta name="referrer" content="no-referrer">',
        f"<title>{esc(title(record))}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
        f"<h1>{esc(title(record))}</h1>",
        _details(record),
        _summary(record),
        _traps(record),
        _review(record),
        _transcript(record),
        _suggestions(record.assessment),
        _questions(record),
        f"<footer>Made by conversation-coach with rubric {esc(record.rubric.id)} {esc(record.rubric.version)}. "
        "The coder is a set of rules: read its verdicts as prompts for discussion, not as judgements.</footer>",
        "</main>",
        "</body>",
        "</html>",
    ]
    return "\n".join(p for p in parts if p) + "\n"


def _details(record: ExportRecord) -> str:
    rows = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in details(record))
    return f'<dl class="meta">{rows}</dl>'


def _band_class(band: str) -> str:
    return "band-" + band.replace(" ", "-").replace("/", "")


def _summary(record: ExportRecord) -> str:
    a = record.assessment
    out = ["<section>", "<h2>Summary</h2>",
           f'<p class="score">Score: <strong>{a.score}</strong>/100 <span class="note">(the coder\'s verdicts)</span></p>']
    if record.reviewed_assessment is not None:
        out.append(f"<p>With the supervisor's verdicts: <strong>{record.reviewed_assessment.score}</strong>/100</p>")
    out.append('<table class="parts"><thead><tr><th>Part</th><th class="num">Points</th><th>How it was earned</th></tr></thead><tbody>')
    for p in a.score_parts:
        out.append(f'<tr><td>{esc(p.name)}</td><td class="num">{p.points:g} / {p.max_points:g}</td>'
                   f"<td>{esc(p.detail)}</td></tr>")
    out.append("</tbody></table>")
    out.append("<h3>Stage coverage</h3>")
    out.append(f'<div class="chart">{stage_chart_svg(a)}</div>')
    flow = a.stage_flow
    out.append(f"<p>Opened with stage 1: <strong>{'yes' if flow.opened_with_stage_1 else 'no'}</strong>. "
               f"Closed with stage 5: <strong>{'yes' if flow.closed_with_stage_5 else 'no'}</strong>.</p>")
    examples = [s for s in a.stages if s.example]
    if examples:
        out.append('<table><thead><tr><th>Stage</th><th>Best example</th></tr></thead><tbody>')
        for s in examples:
            turn = f' <span class="note">(turn {s.example_turn + 1})</span>' if s.example_turn is not None else ""
            out.append(f"<tr><td>{s.stage}. {esc(s.name)}</td><td>{esc(s.example)}{turn}</td></tr>")
        out.append("</tbody></table>")
    if a.metrics:
        out.append("<h3>Listening and questions</h3>")
        out.append("<table><thead><tr><th>Measure</th><th>Value</th><th>Band</th><th>Fair</th><th>Good</th></tr>"
                   "</thead><tbody>")
        for m in a.metrics.values():
            out.append(f"<tr><td>{esc(m.name)}</td><td>{esc(m.display)}</td>"
                       f'<td class="{_band_class(m.band)}">{esc(m.band)}</td><td>{esc(m.fair)}</td><td>{esc(m.good)}</td></tr>')
        out.append("</tbody></table>")
    for label, found in (("What matters", a.what_matters), ("Strengths", a.strengths)):
        if found is None:
            continue
        surfaced = ", ".join(esc(found.labels.get(i, i)) for i in found.surfaced) or "none"
        missed = ", ".join(esc(found.labels.get(i, i)) for i in found.missed) or "none"
        out.append(f'<p><span class="label">{label} found:</span> {surfaced}. '
                   f'<span class="label">Missed:</span> {missed}.</p>')
    if a.trust is not None:
        out.append(f"<p>Trust went from {a.trust.start:g} to {a.trust.end:g}.</p>")
    out.append("</section>")
    return "\n".join(out)


def stage_chart_svg(assessment: Assessment) -> str:
    """Replies per stage as horizontal bars, then the worker's replies in order as coloured squares."""
    stages = assessment.stages
    width, label_w, bar_w, row_h = 760, 330, 300, 30
    most = max((s.count for s in stages), default=0) or 1
    rows = []
    for k, s in enumerate(stages):
        y = 10 + k * row_h
        colour = STAGE_COLOURS.get(s.stage, NO_STAGE_COLOUR)
        length = round(bar_w * s.count / most) if s.count else 0
        rows.append(f'<text x="0" y="{y + 18}" font-size="14" fill="#1d232b">{s.stage}. {esc(_short(s.name, 42))}</text>')
        rows.append(f'<rect x="{label_w}" y="{y + 4}" width="{bar_w}" height="18" fill="none" stroke="#cfd5dd"/>')
        if length:
            rows.append(f'<rect x="{label_w}" y="{y + 4}" width="{length}" height="18" fill="{colour}"/>')
        value = f"{s.count} repl{'y' if s.count == 1 else 'ies'}" if s.reached else "not reached"
        rows.append(f'<text x="{label_w + bar_w + 10}" y="{y + 18}" font-size="14" '
                    f'fill="{"#1d232b" if s.reached else "#a4271c"}">{value}</text>')
    sequence = assessment.stage_flow.sequence
    y0 = 20 + len(stages) * row_h
    seq = [f'<text x="0" y="{y0 + 14}" font-size="14" fill="#1d232b">Stages in order, reply by reply</text>']
    size, gap = 22, 4
    per_row = max(1, (width - label_w) // (size + gap))
    for k, stage in enumerate(sequence):
        x = label_w + (k % per_row) * (size + gap)
        y = y0 + (k // per_row) * (size + gap)
        colour = STAGE_COLOURS.get(stage, NO_STAGE_COLOUR)
        seq.append(f'<rect x="{x}" y="{y}" width="{size}" height="{size}" rx="3" fill="{colour}"/>'
                   f'<text x="{x + size / 2:g}" y="{y + 16}" font-size="13" text-anchor="middle" '
                   f'fill="#ffffff">{stage}</text>')
    if not sequence:
        seq.append(f'<text x="{label_w}" y="{y0 + 14}" font-size="14" fill="#a4271c">no reply served a stage</text>')
    height = y0 + (max(1, -(-len(sequence) // per_row))) * (size + gap) + 6
    summary = "; ".join(f"stage {s.stage}: {s.count}" for s in stages)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
            f'aria-label="Replies per stage: {esc(summary)}" font-family="system-ui, Arial, sans-serif">'
            f"<title>Replies per stage: {esc(summary)}</title>{''.join(rows)}{''.join(seq)}</svg>")


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _traps(record: ExportRecord) -> str:
    a = record.assessment
    out = ["<section>", "<h2>Traps</h2>"]
    if not a.traps:
        out.append("<p>The coder found no traps.</p>")
    for n, f in enumerate(a.traps, 1):
        meaning = f" — “{esc(f.meaning)}”" if f.meaning else ""
        out.append('<div class="trap-card">')
        out.append(f"<h3>{n}. {esc(f.name or f.trap)}{meaning} <span class=\"note\">(turn {f.turn + 1})</span></h3>")
        if f.evidence:
            out.append(f"<blockquote>{esc(f.evidence)}</blockquote>")
        if f.why:
            out.append(f'<p class="why"><span class="label">Why it matters:</span> {esc(f.why)}</p>')
        if f.rewrite:
            out.append(f'<p class="rewrite"><span class="label">Try instead:</span> {esc(f.rewrite)}</p>')
        out.append(f'<p class="note">Rule <code>{esc(f.rule)}</code></p>')
        turn = record.transcript.turns[f.turn] if f.turn < len(record.transcript.turns) else None
        if turn is not None and turn.review is not None and turn.review.traps is not None \
                and f.trap not in turn.review.traps:
            out.append('<p class="supervisor"><span class="label">The supervisor disagrees:</span> not this trap.</p>')
        out.append("</div>")
    for index, trap in supervisor_added_traps(record):
        info = record.rubric.traps.get(trap)
        meaning = f" — “{esc(info.meaning)}”" if info and info.meaning else ""
        out.append('<div class="trap-card added">')
        out.append(f"<h3>{esc(trap_name(record.rubric, trap))}{meaning} <span class=\"note\">(turn {index + 1}, "
                   "added by the supervisor)</span></h3>")
        out.append(f"<blockquote>{esc(record.transcript.turns[index].text)}</blockquote>")
        if info:
            out.append(f'<p class="why"><span class="label">Why it matters:</span> {esc(info.why)}</p>')
            out.append(f'<p class="rewrite"><span class="label">Try instead:</span> {esc(info.rewrite)}</p>')
        out.append("</div>")
    out.append("</section>")
    return "\n".join(out)


def _review(record: ExportRecord) -> str:
    out = ["<section>", "<h2>Supervisor's review</h2>"]
    report = record.agreement
    if report is None:
        out += ["<p>Not reviewed yet.</p>", "</section>"]
        return "\n".join(out)
    out.append(f"<p>The supervisor changed the coder's verdict on {len(record.overridden_turns)} of "
               f"{report.turns} coded replies.</p>")
    out.append('<table><thead><tr><th>Agreement with the coder</th><th class="num">Percent</th>'
               '<th class="num">Cohen\'s kappa</th></tr></thead><tbody>')
    items = [(i.label, i) for i in (report.overall_move, report.overall_stage, report.overall_traps)]
    items += [(f"trap: {trap_name(record.rubric, t)}", i) for t, i in report.per_trap.items()
              if i.coder_count or i.supervisor_count]
    for label, item in items:
        out.append(f'<tr><td>{esc(label)}</td><td class="num">{format_percent(item.percent)}</td>'
                   f'<td class="num">{format_kappa(item.kappa)}</td></tr>')
    out.append("</tbody></table>")
    if any(i.kappa is None for i in report.per_trap.values()):
        out.append('<p class="note">Traps neither side saw anywhere are left out; kappa is n/a where neither side varied.</p>')
    out.append("</section>")
    return "\n".join(out)


def _marked_text(turn: Turn) -> str:
    """The turn's words, escaped, with each trap's evidence highlighted where it can be found."""
    text = clean_for_display(turn.text)
    spans: list[tuple[int, int]] = []
    lowered = text.lower()
    for hit in (turn.coding.traps if turn.coding else []):
        ev = clean_for_display(hit.evidence).strip().lower()
        start = lowered.find(ev) if ev else -1
        if start >= 0 and all(start >= e or start + len(ev) <= s for s, e in spans):
            spans.append((start, start + len(ev)))
    out, pos = [], 0
    for start, end in sorted(spans):
        out.append(escape(text[pos:start]))
        out.append(f'<mark class="trap">{escape(text[start:end])}</mark>')
        pos = end
    out.append(escape(text[pos:]))
    return "".join(out)


def _stage_chip(record: ExportRecord, stage: int | None) -> str:
    if stage is None:
        return '<span class="chip">no stage</span>'
    return (f'<span class="chip stage" style="background:{STAGE_COLOURS.get(stage, NO_STAGE_COLOUR)}">'
            f"{esc(stage_name(record.rubric, stage))}</span>")


def _turn(record: ExportRecord, index: int, turn: Turn) -> str:
    rubric = record.rubric
    out = [f'<li class="turn {turn.speaker}">',
           f'<span class="n">{index + 1}</span><span class="who">{esc(record.speaker_label(turn))}</span>',
           f'<span class="said">{_marked_text(turn) if turn.speaker == "worker" else esc(turn.text)}</span>']
    coding = turn.coding
    if turn.speaker == "worker" and coding is not None:
        chips = [f'<span class="chip">{esc(move_name(rubric, coding.main))}</span>', _stage_chip(record, coding.stage)]
        chips += [f'<span class="chip trap">{esc(trap_name(rubric, h.trap))}</span>' for h in coding.traps]
        out.append(f'<div class="coding"><span class="label">Coder:</span> {"".join(chips)}</div>')
        if coding.trace:
            items = "".join(
                f"<li><code>{esc(h.rule)}</code> → {esc(h.target)}"
                + (f" on “{esc(h.evidence)}”" if h.evidence else "") + "</li>" for h in coding.trace)
            out.append(f"<details><summary>Rule trace ({len(coding.trace)})</summary><ul>{items}</ul></details>")
    review = turn.review
    if review is not None:
        changes = override_changes(rubric, turn)
        verdict = "; ".join(esc(c) for c in changes) if changes else "agrees with the coder"
        who = f" ({esc(review.reviewer)})" if review.reviewer else ""
        comment = f"<br>“{esc(review.comment)}”" if review.comment else ""
        out.append(f'<div class="supervisor"><span class="label">Supervisor{who}:</span> {verdict}{comment}</div>')
    out.append("</li>")
    return "".join(out)


def _transcript(record: ExportRecord) -> str:
    turns = "\n".join(_turn(record, i, t) for i, t in enumerate(record.transcript.turns))
    return f'<section>\n<h2>Transcript, turn by turn</h2>\n<ol class="turns">\n{turns}\n</ol>\n</section>'


def _suggestions(assessment: Assessment) -> str:
    if not assessment.suggestions:
        return ""
    items = []
    for s in assessment.suggestions:
        stage = f'<span class="note">stage {s.stage}</span> ' if s.stage else ""
        why = f' <span class="note">— {esc(s.why)}</span>' if s.why else ""
        items.append(f"<li>{stage}{esc(s.question)}{why}</li>")
    return f"<section>\n<h2>To try next time</h2>\n<ul>{''.join(items)}</ul>\n</section>"


def _questions(record: ExportRecord) -> str:
    out = ['<section class="questions">', "<h2>Questions for supervision</h2>"]
    for heading, questions in record.questions:
        out.append(f"<h3>{esc(heading)}</h3><ul>{''.join(f'<li>{esc(q)}</li>' for q in questions)}</ul>")
    out.append("</section>")
    return "\n".join(out)
