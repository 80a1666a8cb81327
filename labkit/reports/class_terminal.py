"""A graded class (or one trainee of it) as rich tables for the trainer's terminal.

Returns renderables; the CLI decides where they are printed. Every piece of
text that came from a roster, a key or a sheet goes in as :class:`rich.text.Text`
after :func:`printable`, so a trainee named ``[bold]x`` or an answer with an
escape sequence is shown as typed, never interpreted.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from labkit.classroom.outcome import ClassReport, TraineeOutcome
from labkit.competencies import competency_title
from labkit.grading.languages import pick_text
from labkit.grading.results import Status, Verdict
from labkit.reports.class_labels import given_text, human_percent, human_points, label, printable
from labkit.reports.class_stats import class_stats, competency_order, copy_relations, verdicts_by_question

STATUS_STYLES: dict[Status, str] = {
    "correct": "green",
    "partial": "yellow",
    "wrong": "red",
    "unanswered": "dim",
}
#: Column heads of the per-question counts (a legend under the table names them in the report's language).
STATUS_SYMBOLS: dict[Status, str] = {"correct": "✓", "partial": "½", "wrong": "✗", "unanswered": "–"}
SHEET_STYLES = {"graded": "", "malformed": "red", "missing": "dim"}
STRENGTH_STYLES = {"strong": "bold red", "moderate": "yellow", "weak": "dim"}
BAR_WIDTH = 10


def class_table(report: ClassReport, lang: str = "en") -> Group:
    """The whole class: summary, a row per trainee, question difficulty, collusion, unreadable sheets."""
    stats = class_stats(report)
    parts: list[RenderableType] = [_heading(report, lang, label("class_report", lang))]
    summary = Text()
    for name, value in (
        ("trainees", str(stats.trainees)),
        ("graded_count", str(stats.graded)),
        ("malformed_count", str(stats.malformed)),
        ("missing_count", str(stats.missing)),
        ("passed_count", str(stats.passed)),
        ("review_count", str(stats.review)),
        ("mean", human_percent(stats.mean, lang)),
        ("median", human_percent(stats.median, lang)),
    ):
        if summary:
            summary.append("  ·  ", style="dim")
        summary.append(f"{label(name, lang)}: ")
        summary.append(value, style="bold")
    summary.append(f"  ({label('mean_note', lang)})", style="dim")
    parts.append(summary)

    table = Table(title=label("trainees", lang), title_justify="left", expand=False)
    for column, justify in (("trainee", "left"), ("name", "left"), ("status", "left"), ("score", "right"),
                            ("percent", "right"), ("result", "left"), ("flags", "left")):  # fmt: skip
        table.add_column(label(column, lang), justify=justify, overflow="fold")  # type: ignore[arg-type]
    for outcome in report.outcomes:
        graded = outcome.status == "graded"
        table.add_row(
            Text(printable(outcome.trainee, 80), style="bold"),
            Text(printable(outcome.name, 80)),
            Text(label(outcome.status, lang), style=SHEET_STYLES[outcome.status]),
            Text(f"{human_points(outcome.score, lang)}/{human_points(outcome.max_points, lang)}"
                 if graded else "—"),
            Text(human_percent(outcome.percentage, lang) if graded else "—"),
            Text(label("pass", lang), style="green") if outcome.passed
            else Text(label("fail", lang), style="red"),
            _flags(report, outcome, stats.flagged, lang),
        )  # fmt: skip
    parts.append(table)

    if stats.questions:
        # One line per question, narrow enough for an 80-column terminal: the counts under symbols
        # (explained below the table), the prompt cut to the width left rather than folded.
        questions = Table(title=label("difficulty", lang), title_justify="left", expand=False)
        questions.add_column(label("question", lang), no_wrap=True, min_width=4)
        questions.add_column("", overflow="ellipsis", max_width=40)  # shrinks; each cell stays one line
        questions.add_column(label("max_points", lang), justify="right", no_wrap=True, min_width=4)
        for status in STATUS_STYLES:
            questions.add_column(Text(STATUS_SYMBOLS[status], style=STATUS_STYLES[status]), justify="right",
                                 no_wrap=True, min_width=3)  # fmt: skip
        questions.add_column(label("earned", lang), no_wrap=True, min_width=BAR_WIDTH + 8)
        for info, qstats in zip(report.questions, stats.questions, strict=True):
            prompt = " ".join(pick_text(info.prompt, lang).split())
            questions.add_row(
                Text(printable(info.id, 40), style="bold"),
                Text(printable(prompt, 200), style="dim", no_wrap=True, overflow="ellipsis"),
                Text(human_points(info.max_points, lang)),
                *(Text(str(qstats.counts[status])) for status in STATUS_STYLES),
                _bar(qstats.mean_share, lang),
            )
        parts.append(questions)
        legend = Text()
        for status in STATUS_STYLES:
            if legend:
                legend.append("  ")
            legend.append(STATUS_SYMBOLS[status], style=STATUS_STYLES[status])
            legend.append(f" {label(status, lang)}", style="dim")
        parts.append(legend)

    if report.flags:
        flags = Table(title=label("collusion", lang), title_justify="left", expand=False)
        for column in ("trainee", "with", "strength", "given", "explanation"):
            flags.add_column(label(column, lang), overflow="fold")
        for flag in report.flags:
            matched = Text()
            for match in flag.matches:
                if matched:
                    matched.append("\n")
                matched.append(printable(match.question, 80), style="bold")
                matched.append(f" = {printable(match.given, 120)}")
                matched.append(f" ({label('accepted_by', lang)}: {match.accepted_by})", style="dim")
            flags.add_row(
                Text(printable(flag.trainee, 80), style="bold"),
                Text(printable(flag.other, 80), style="bold"),
                Text(label(flag.strength, lang), style=STRENGTH_STYLES[flag.strength]),
                matched,
                Text(printable(flag.explanation, 400)),
            )
        parts.append(flags)

    broken = [o for o in report.outcomes if o.status == "malformed"]
    if broken:
        sheets = Table(title=label("malformed_sheets", lang), title_justify="left", expand=False)
        for column in ("trainee", "name", "problem"):
            sheets.add_column(label(column, lang), overflow="fold")
        for outcome in broken:
            sheets.add_row(
                Text(printable(outcome.trainee, 80), style="bold"),
                Text(printable(outcome.name, 80)),
                Text(printable(outcome.problem or "", 400), style="red"),
            )
        parts.append(sheets)

    if report.unmatched:
        unmatched = Text(f"{label('unmatched', lang)}: ", style="yellow")
        unmatched.append(", ".join(printable(name, 200) for name in report.unmatched))
        parts.append(unmatched)
    return Group(*parts)


def trainee_table(report: ClassReport, trainee: str, lang: str = "en") -> Group:
    """One trainee: their result, a row per question with the reason, and their competencies."""
    outcome = report.outcome(trainee)
    parts: list[RenderableType] = [_heading(report, lang, label("trainee_report", lang))]
    who = Text(printable(outcome.trainee, 80), style="bold")
    who.append(f"  {printable(outcome.name, 120)}")
    if outcome.case_id:
        who.append(f"  {label('case', lang)}: {printable(outcome.case_id, 80)}", style="dim")
    parts.append(who)
    line = Text(f"{label('status', lang)}: ")
    line.append(label(outcome.status, lang), style=SHEET_STYLES[outcome.status] or "bold")
    if outcome.status == "graded":
        line.append(
            f"  {label('score', lang)}: {human_points(outcome.score, lang)}/"
            f"{human_points(outcome.max_points, lang)} ({human_percent(outcome.percentage, lang)})"
        )
    line.append("  ")
    if outcome.passed:
        line.append(label("pass", lang), style="bold green")
    else:
        line.append(label("fail", lang), style="bold red")
    line.append(f"  ({label('pass_mark', lang)} {human_percent(report.pass_mark, lang)})", style="dim")
    parts.append(line)
    if outcome.hints_used:
        hints = ", ".join(printable(hint, 80) for hint in outcome.hints_used)
        parts.append(Text(f"{label('hints_used', lang)}: {hints}"))
    if outcome.late_days:
        parts.append(Text(f"{label('late_days', lang)}: {outcome.late_days}", style="yellow"))
    if outcome.status != "graded":
        parts.append(Text(label("not_graded", lang), style="italic"))
        if outcome.problem:
            parts.append(Text(f"{label('problem', lang)}: {printable(outcome.problem, 400)}", style="red"))
        return Group(*parts)

    verdicts = verdicts_by_question(outcome)
    table = Table(expand=False)
    table.add_column(label("question", lang), overflow="fold", ratio=3)
    table.add_column(label("verdict", lang), no_wrap=True)
    table.add_column(label("points", lang), justify="right", no_wrap=True)
    table.add_column(label("given", lang), overflow="fold", ratio=2)
    table.add_column(label("reason", lang), overflow="fold", ratio=3)
    for info in report.questions:
        verdict = verdicts.get(info.id)
        if verdict is None:
            continue
        cell = Text(printable(info.id, 80), style="bold")
        prompt = " ".join(pick_text(info.prompt, lang).split())
        if prompt:
            cell.append("\n" + printable(prompt, 300))
        status = Text(label(verdict.status, lang), style=STATUS_STYLES[verdict.status])
        if verdict.review:
            status.append(f"\n{label('for_review', lang)}", style="magenta")
        if info.id in outcome.hints_used:
            status.append(f"\n{label('hint_taken', lang)}", style="cyan")
        table.add_row(
            cell,
            status,
            Text(f"{human_points(verdict.points, lang)}/{human_points(verdict.max_points, lang)}"),
            Text(printable(given_text(verdict.given), 300)),
            _reason(verdict, lang),
        )
    parts.append(table)

    if outcome.competencies:
        comps = Table(title=label("competencies", lang), title_justify="left", expand=False)
        comps.add_column(label("competency", lang), overflow="fold")
        comps.add_column(label("share", lang), no_wrap=True)
        for code in competency_order(set(outcome.competencies)):
            cell = Text(printable(code, 80), style="bold")
            cell.append(f"  {printable(competency_title(code, lang), 200)}")
            comps.add_row(cell, _bar(outcome.competencies[code], lang))
        parts.append(comps)
    return Group(*parts)


def _heading(report: ClassReport, lang: str, kind: str) -> Text:
    heading = Text(f"{kind}: ", style="bold")
    heading.append(printable(pick_text(report.title, lang) or report.scenario, 200), style="bold")
    heading.append(
        f"\n{label('scenario', lang)}: {printable(report.scenario, 120)}  ·  {label('mode', lang)}: "
        f"{label(report.mode, lang) if report.mode in ('exam', 'practice') else printable(report.mode, 40)}"
        f"  ·  {label('run', lang)} {report.run}  ·  {label('pass_mark', lang)}: "
        f"{human_percent(report.pass_mark, lang)}",
        style="dim",
    )
    return heading


def _flags(report: ClassReport, outcome: TraineeOutcome, flagged: frozenset[str], lang: str) -> Text:
    cell = Text()

    def add(text: str, style: str) -> None:
        if cell:
            cell.append(", ")
        cell.append(text, style=style)

    if outcome.trainee in flagged:
        for word, others in copy_relations(report, outcome.trainee):
            add(f"{label(word, lang).rstrip(':')}: {', '.join(printable(o, 40) for o in others)}", "bold red")
    if outcome.review:
        add(f"{label('review', lang)} {len(outcome.review)}", "magenta")
    if outcome.hints_used:
        add(f"{label('hints', lang)} {len(outcome.hints_used)}", "cyan")
    if outcome.late_days:
        add(f"{label('late', lang)} {outcome.late_days} {label('days', lang)}", "yellow")
    return cell


def _bar(share: float | None, lang: str) -> Text:
    """``████████░░░░ 63.4%``: a share of points as a bar readable without colour."""
    if share is None:
        return Text("—", style="dim")
    filled = round(max(0.0, min(1.0, share)) * BAR_WIDTH)
    style = "green" if share >= 0.75 else "yellow" if share >= 0.5 else "red"
    bar = Text("█" * filled, style=style)
    bar.append("░" * (BAR_WIDTH - filled), style="dim")
    bar.append(f" {human_percent(100 * share, lang)}")
    return bar


def _reason(verdict: Verdict, lang: str) -> Text:
    cell = Text(printable(verdict.reason, 300))
    feedback = pick_text(verdict.feedback, lang)
    if feedback and verdict.status != "correct":
        shown = printable(" ".join(feedback.split()), 500)
        cell.append(f"\n{label('feedback', lang)}: {shown}", style="italic")
    return cell
