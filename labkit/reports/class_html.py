"""A graded class (or one trainee of it) as one self-contained HTML page.

Inline CSS, inline SVG charts drawn in Python (score distribution, question
difficulty, competency heat map), no script and no URL of any kind, so the file
opens offline, can be mailed or archived, and prints on A4. Jinja2 autoescapes
every value; names and answers also go through :func:`printable` so terminal
escapes and bidi overrides are shown, not obeyed. Labels in en, ru or kk.
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, StrictUndefined
from markupsafe import Markup

from labkit.classroom.outcome import ClassReport, TraineeOutcome
from labkit.competencies import load_areas, load_framework
from labkit.grading.languages import LANGUAGES, pick_text
from labkit.reports import class_svg
from labkit.reports.class_labels import LABELS, given_text, human_percent, human_points, label, printable
from labkit.reports.class_stats import (
    ClassStats,
    class_stats,
    competency_order,
    copy_relations,
    verdicts_by_question,
)
from labkit.reports.html_template import CSS, TEMPLATE

_ENV = Environment(autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True)
_TEMPLATE = _ENV.from_string(TEMPLATE)


def class_report_to_html(report: ClassReport, lang: str = "en", trainee: str | None = None) -> str:
    """The page as text (UTF-8 when written); identical input gives identical bytes."""
    lang = lang if lang in LANGUAGES else "en"
    stats = class_stats(report)
    words = LABELS[lang]
    context: dict[str, Any] = {
        "lang": lang,
        "css": Markup(CSS),
        "L": words,
        "title": printable(pick_text(report.title, lang) or report.scenario, 300),
        "meta": [
            (words["scenario"], printable(report.scenario, 120)),
            (
                words["mode"],
                words[report.mode] if report.mode in ("exam", "practice") else printable(report.mode),
            ),
            (words["run"], str(report.run)),
            (words["pass_mark"], human_percent(report.pass_mark, lang)),
        ],
        "trainee": None,
        "charts": {},
    }
    if trainee is not None:
        context.update(_trainee_context(report, report.outcome(trainee), stats, lang))
    else:
        context.update(_class_context(report, stats, lang))
    return _TEMPLATE.render(context)


def _class_context(report: ClassReport, stats: ClassStats, lang: str) -> dict[str, Any]:
    words = LABELS[lang]
    cards = [
        {"key": "trainees", "label": words["trainees"], "value": str(stats.trainees), "tone": ""},
        {"key": "graded", "label": words["graded_count"], "value": str(stats.graded), "tone": ""},
        {"key": "malformed", "label": words["malformed_count"], "value": str(stats.malformed),
         "tone": "bad" if stats.malformed else ""},
        {"key": "missing", "label": words["missing_count"], "value": str(stats.missing),
         "tone": "bad" if stats.missing else ""},
        {"key": "passed", "label": words["passed_count"], "value": f"{stats.passed}/{stats.trainees}",
         "tone": "good"},
        {"key": "mean", "label": words["mean"], "value": human_percent(stats.mean, lang), "tone": ""},
        {"key": "median", "label": words["median"], "value": human_percent(stats.median, lang), "tone": ""},
        {"key": "review", "label": words["review_count"], "value": str(stats.review), "tone": ""},
    ]  # fmt: skip
    rows = []
    for outcome in report.outcomes:
        graded = outcome.status == "graded"
        rows.append(
            {
                "id": printable(outcome.trainee, 80),
                "name": printable(outcome.name, 160),
                "status": outcome.status,
                "status_label": words[outcome.status],
                "score": f"{human_points(outcome.score, lang)} / {human_points(outcome.max_points, lang)}"
                if graded else "—",
                "percent": human_percent(outcome.percentage, lang) if graded else "—",
                "result": "pass" if outcome.passed else "fail",
                "result_label": words["pass"] if outcome.passed else words["fail"],
                "flags": _flags(report, outcome, lang),
            }
        )  # fmt: skip
    questions = []
    for info, qstats in zip(report.questions, stats.questions, strict=True):
        questions.append(
            {
                "id": printable(info.id, 80),
                "prompt": printable(" ".join(pick_text(info.prompt, lang).split()), 300),
                "type": printable(info.type, 40),
                "competencies": ", ".join(printable(c, 60) for c in info.competencies),
                "max": human_points(info.max_points, lang),
                "counts": [qstats.counts[s] for s in ("correct", "partial", "wrong", "unanswered")],
                "earned": human_percent(None if qstats.mean_share is None else 100 * qstats.mean_share, lang),
            }
        )
    flags = [
        {
            "trainee": printable(flag.trainee, 80),
            "other": printable(flag.other, 80),
            "strength": flag.strength,
            "strength_label": words[flag.strength],
            "matches": [
                {"question": printable(m.question, 80), "given": printable(m.given, 200),
                 "accepted_by": m.accepted_by}
                for m in flag.matches
            ],
            "explanation": printable(flag.explanation, 600),
        }
        for flag in report.flags
    ]  # fmt: skip
    malformed = [
        {
            "id": printable(o.trainee, 80),
            "name": printable(o.name, 160),
            "problem": printable(o.problem or "", 600),
        }
        for o in report.outcomes
        if o.status == "malformed"
    ]
    charts: dict[str, Any] = {
        "histogram": class_svg.histogram(
            stats.histogram, report.pass_mark, title=words["distribution"], x_label=words["score"] + ", %",
            y_label=words["count"], lang=lang,
        ),
        "difficulty": class_svg.difficulty_bars(
            [class_svg.DifficultyRow(printable(q.id, 12), q.mean_share, q.counts) for q in stats.questions],
            title=words["difficulty"], status_labels={s: words[s] for s in class_svg.STATUS_FILLS}, lang=lang,
        ),
    }  # fmt: skip
    competencies = _competency_rows(stats.competencies, lang, stats.competency_means)
    if stats.competencies:
        heat_rows = [
            class_svg.HeatRow(
                f"{printable(o.trainee, 20)} {printable(o.name, 40)}",
                tuple(
                    o.competencies.get(code) if o.status == "graded" else None for code in stats.competencies
                ),
            )
            for o in report.outcomes
        ]
        heat_rows.append(
            class_svg.HeatRow(
                words["class_mean"],
                tuple(stats.competency_means[c] for c in stats.competencies),
                emphasis=True,
            )
        )
        charts["heatmap"] = class_svg.heat_map(
            [printable(c, 40) for c in stats.competencies], heat_rows, title=words["heatmap"], lang=lang
        )
        charts["legend"] = class_svg.heat_legend(lang)
    return {
        "kind": words["class_report"],
        "cards": cards,
        "rows": rows,
        "questions": questions,
        "flags": flags,
        "malformed": malformed,
        "unmatched": [printable(name, 200) for name in report.unmatched],
        "competencies": competencies,
        "charts": charts,
    }


def _trainee_context(
    report: ClassReport, outcome: TraineeOutcome, stats: ClassStats, lang: str
) -> dict[str, Any]:
    words = LABELS[lang]
    graded = outcome.status == "graded"
    score = f"{human_points(outcome.score, lang)} / {human_points(outcome.max_points, lang)}"
    cards = [
        _card("status", words["status"], words[outcome.status], "" if graded else "bad"),
        _card("score", words["score"], score if graded else "—"),
        _card("percentage", "%", human_percent(outcome.percentage, lang) if graded else "—"),
        _card("result", words["result"], words["pass" if outcome.passed else "fail"],
              "good" if outcome.passed else "bad"),
    ]  # fmt: skip
    if outcome.hints_used:
        hints = ", ".join(printable(hint, 40) for hint in outcome.hints_used)
        cards.append(_card("hints", words["hints_used"], hints))
    if outcome.late_days:
        cards.append(_card("late", words["late_days"], str(outcome.late_days), "bad"))
    verdicts = verdicts_by_question(outcome)
    rows = []
    for info in report.questions:
        verdict = verdicts.get(info.id)
        if verdict is None:
            continue
        feedback = pick_text(verdict.feedback, lang) if verdict.status != "correct" else ""
        rows.append(
            {
                "id": printable(info.id, 80),
                "prompt": printable(" ".join(pick_text(info.prompt, lang).split()), 400),
                "status": verdict.status,
                "status_label": words[verdict.status],
                "review": verdict.review,
                "hint": info.id in outcome.hints_used,
                "points": f"{human_points(verdict.points, lang)} / {human_points(verdict.max_points, lang)}",
                "given": printable(given_text(verdict.given), 400),
                "reason": printable(verdict.reason, 400),
                "feedback": printable(" ".join(feedback.split()), 600),
            }
        )
    codes = competency_order(set(outcome.competencies))
    charts: dict[str, Any] = {}
    if codes:
        charts["heatmap"] = class_svg.heat_map(
            [printable(c, 40) for c in codes],
            [
                class_svg.HeatRow(
                    printable(outcome.trainee, 30), tuple(outcome.competencies[c] for c in codes)
                ),
                class_svg.HeatRow(
                    words["class_mean"], tuple(stats.competency_means.get(c) for c in codes), emphasis=True
                ),
            ],
            title=words["competencies"],
            lang=lang,
        )
        charts["legend"] = class_svg.heat_legend(lang)
    return {
        "kind": words["trainee_report"],
        "cards": cards,
        "trainee": {
            "id": printable(outcome.trainee, 80),
            "name": printable(outcome.name, 160),
            "graded": graded,
            "problem": printable(outcome.problem, 600) if outcome.problem else "",
            "verdicts": rows,
        },
        "competencies": _competency_rows(codes, lang, None),
        "charts": charts,
    }


def _card(key: str, name: str, value: str, tone: str = "") -> dict[str, str]:
    """A summary card; ``key`` is its ``data-stat`` (stable, for scripts and tests), ``tone`` good/bad."""
    return {"key": key, "label": name, "value": value, "tone": tone}


def _competency_rows(
    codes: tuple[str, ...], lang: str, means: dict[str, float | None] | None
) -> list[dict[str, str]]:
    framework = load_framework()
    areas = {area.id: area for area in load_areas()}
    rows = []
    for code in codes:
        item = framework.get(code)
        area = areas.get(item.area) if item else None
        mean = means.get(code) if means else None
        rows.append(
            {
                "id": printable(code, 60),
                "area": pick_text(area.title, lang) if area else "—",
                "level": label(item.level, lang) if item and item.level in LABELS["en"] else "—",
                "title": pick_text(item.title, lang) if item else "—",
                "mean": human_percent(None if mean is None else 100 * mean, lang),
            }
        )
    return rows


def _flags(report: ClassReport, outcome: TraineeOutcome, lang: str) -> list[dict[str, str]]:
    words = LABELS[lang]
    flags = []
    for word, others in copy_relations(report, outcome.trainee):
        shown = ", ".join(printable(o, 40) for o in others)
        flags.append({"kind": "collusion", "text": f"{words[word].rstrip(':')}: {shown}"})
    if outcome.review:
        flags.append({"kind": "review", "text": f"{words['review']} {len(outcome.review)}"})
    if outcome.hints_used:
        flags.append({"kind": "hints", "text": f"{words['hints']} {len(outcome.hints_used)}"})
    if outcome.late_days:
        flags.append({"kind": "late", "text": f"{words['late']} {outcome.late_days} {words['days']}"})
    return flags
