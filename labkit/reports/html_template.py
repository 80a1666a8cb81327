"""The Jinja2 template of the HTML class report, kept as a Python string.

A module rather than a ``.j2`` file: it ships with the package whatever the
package-data patterns say, and it is found without a file-system lookup. The
page is self-contained (inline CSS and SVG, no script, no URL), prints on A4,
and every value is escaped by Jinja2's autoescape; only the SVG charts, built
and escaped by :mod:`labkit.reports.class_svg`, are passed in as markup.
"""

# ruff: noqa: E501  (HTML and CSS lines are kept whole; wrapping them would only hurt reading)

from __future__ import annotations

CSS = """
:root { --ink:#1f2933; --muted:#616e7c; --line:#d9e2ec; --soft:#f5f7fa; --accent:#1e4e8c;
  --pass:#276749; --pass-bg:#e6f4ea; --fail:#9b2c2c; --fail-bg:#fdecea; --warn:#8a5a00; --warn-bg:#fff4d6; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif; }
header.band { background: var(--accent); color: #fff; padding: 22px 0 18px; }
.wrap { max-width: 1120px; margin: 0 auto; padding: 0 28px; }
header.band .kind { text-transform: uppercase; letter-spacing: .08em; font-size: 12px; opacity: .85; }
header.band h1 { margin: 4px 0 8px; font-size: 26px; font-weight: 650; }
header.band dl { display: flex; flex-wrap: wrap; gap: 4px 22px; margin: 0; font-size: 13px; }
header.band dt { opacity: .8; display: inline; } header.band dd { display: inline; margin: 0 0 0 4px; font-weight: 600; }
main { padding: 20px 0 28px; }
section { margin: 26px 0 0; break-inside: auto; }
h2 { font-size: 17px; margin: 0 0 10px; padding-bottom: 6px; border-bottom: 2px solid var(--line); }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(118px, 1fr)); gap: 10px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; background: var(--soft);
  break-inside: avoid; }
.card .label { color: var(--muted); font-size: 12px; }
.card .value { font-size: 24px; font-weight: 700; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
.cards.person { grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); }
.card.good .value { color: var(--pass); } .card.bad .value { color: var(--fail); }
.note { color: var(--muted); font-size: 12px; margin: 6px 0 0; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 18px; }
figure { margin: 0; border: 1px solid var(--line); border-radius: 8px; padding: 12px; break-inside: avoid; }
figure.wide { overflow-x: auto; }
figcaption { font-weight: 600; margin-bottom: 8px; }
svg { max-width: 100%; height: auto; display: block; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
thead th { text-align: left; color: var(--muted); font-weight: 600; font-size: 12px; text-transform: uppercase;
  letter-spacing: .03em; border-bottom: 2px solid var(--line); padding: 6px 8px; }
tbody td { border-bottom: 1px solid var(--line); padding: 6px 8px; vertical-align: top; }
tbody tr:nth-child(even) td { background: #fafbfc; }
tr { break-inside: avoid; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.id { font-weight: 600; white-space: nowrap; }
.text { overflow-wrap: anywhere; white-space: pre-wrap; }
.prompt { color: var(--muted); font-size: 12px; }
.badge { display: inline-block; border-radius: 999px; padding: 1px 9px; font-size: 12px; font-weight: 600;
  white-space: nowrap; border: 1px solid transparent; }
.b-pass, .b-correct { color: var(--pass); background: var(--pass-bg); border-color: #b7dfc3; }
.b-fail, .b-wrong, .b-malformed, .b-strong { color: var(--fail); background: var(--fail-bg); border-color: #f3c1bd; }
.b-partial, .b-moderate, .b-review, .b-late, .b-hints { color: var(--warn); background: var(--warn-bg);
  border-color: #f0d48a; }
.b-unanswered, .b-missing, .b-weak, .b-graded { color: var(--muted); background: var(--soft);
  border-color: var(--line); }
.b-collusion { color: #fff; background: var(--fail); }
.flags .badge { margin: 0 4px 2px 0; }
.feedback { font-style: italic; color: var(--muted); }
code, .mono { font-family: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace;
  font-size: 12px; overflow-wrap: anywhere; }
.legend-table td:first-child { white-space: nowrap; font-weight: 600; }
footer { color: var(--muted); font-size: 12px; border-top: 1px solid var(--line); padding: 12px 0 24px; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { font-size: 11px; }
  .wrap { max-width: none; padding: 0; }
  header.band { padding: 10px 12px; }
  .charts { grid-template-columns: 1fr 1fr; }
  figure, .card, tr, h2 { break-inside: avoid; } h2 { break-after: avoid; }
  thead { display: table-header-group; }
  section { margin-top: 14px; }
}
"""

TEMPLATE = """<!DOCTYPE html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="labkit">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>{{ kind }} — {{ title }}</title>
<style>{{ css }}</style>
</head>
<body>
<header class="band"><div class="wrap">
  <div class="kind">{{ kind }}</div>
  <h1>{{ title }}</h1>
  <dl>
    {% for name, value in meta %}<div><dt>{{ name }}:</dt><dd>{{ value }}</dd></div>{% endfor %}
  </dl>
</div></header>
<main class="wrap">
{% if trainee %}
<section id="trainee">
  <h2>{{ trainee.id }} — {{ trainee.name }}</h2>
  <div class="cards person">
    {% for card in cards %}<div class="card {{ card.tone }}" data-stat="{{ card.key }}">
      <div class="label">{{ card.label }}</div><div class="value">{{ card.value }}</div></div>{% endfor %}
  </div>
  {% if trainee.problem %}<p class="note"><span class="badge b-malformed">{{ L.malformed }}</span>
    <span class="text">{{ trainee.problem }}</span></p>{% endif %}
  {% if not trainee.graded %}<p class="note">{{ L.not_graded }}</p>{% endif %}
</section>
{% if trainee.graded %}
<section id="answers">
  <h2>{{ L.questions }}</h2>
  <table>
    <thead><tr><th>{{ L.question }}</th><th>{{ L.verdict }}</th><th class="num">{{ L.points }}</th>
      <th>{{ L.given }}</th><th>{{ L.reason }}</th></tr></thead>
    <tbody>
    {% for row in trainee.verdicts %}<tr>
      <td><span class="id">{{ row.id }}</span>{% if row.prompt %}<div class="prompt">{{ row.prompt }}</div>{% endif %}</td>
      <td><span class="badge b-{{ row.status }}">{{ row.status_label }}</span>
        {% if row.review %}<br><span class="badge b-review">{{ L.for_review }}</span>{% endif %}</td>
      <td class="num">{{ row.points }}{% if row.hint %}<div class="prompt">{{ L.hint_taken }}</div>{% endif %}</td>
      <td class="mono">{{ row.given }}</td>
      <td><span class="text">{{ row.reason }}</span>
        {% if row.feedback %}<div class="feedback">{{ L.feedback }}: {{ row.feedback }}</div>{% endif %}</td>
    </tr>{% endfor %}
    </tbody>
  </table>
</section>
{% endif %}
{% else %}
<section id="summary">
  <h2>{{ L.summary }}</h2>
  <div class="cards">
    {% for card in cards %}<div class="card {{ card.tone }}" data-stat="{{ card.key }}">
      <div class="label">{{ card.label }}</div><div class="value">{{ card.value }}</div></div>{% endfor %}
  </div>
  <p class="note">{{ L.mean_note }}</p>
</section>
<section id="charts">
  <div class="charts">
    <figure><figcaption>{{ L.distribution }}</figcaption>{{ charts.histogram }}</figure>
    <figure><figcaption>{{ L.difficulty }}</figcaption>{{ charts.difficulty }}</figure>
  </div>
</section>
<section id="trainees">
  <h2>{{ L.trainees }}</h2>
  <table>
    <thead><tr><th>{{ L.trainee }}</th><th>{{ L.name }}</th><th>{{ L.status }}</th><th class="num">{{ L.score }}</th>
      <th class="num">%</th><th>{{ L.result }}</th><th>{{ L.flags }}</th></tr></thead>
    <tbody>
    {% for row in rows %}<tr data-trainee="{{ row.id }}">
      <td class="id">{{ row.id }}</td><td class="text">{{ row.name }}</td>
      <td><span class="badge b-{{ row.status }}">{{ row.status_label }}</span></td>
      <td class="num">{{ row.score }}</td><td class="num">{{ row.percent }}</td>
      <td><span class="badge b-{{ row.result }}">{{ row.result_label }}</span></td>
      <td class="flags">{% for flag in row.flags %}<span class="badge b-{{ flag.kind }}">{{ flag.text }}</span>{% endfor %}</td>
    </tr>{% endfor %}
    </tbody>
  </table>
</section>
{% if questions %}
<section id="questions">
  <h2>{{ L.questions }}</h2>
  <table>
    <thead><tr><th>{{ L.question }}</th><th>{{ L.type }}</th><th>{{ L.competencies }}</th>
      <th class="num">{{ L.max_points }}</th><th class="num">{{ L.correct }}</th><th class="num">{{ L.partial }}</th>
      <th class="num">{{ L.wrong }}</th><th class="num">{{ L.unanswered }}</th><th class="num">{{ L.earned }}</th></tr></thead>
    <tbody>
    {% for q in questions %}<tr>
      <td><span class="id">{{ q.id }}</span>{% if q.prompt %}<div class="prompt">{{ q.prompt }}</div>{% endif %}</td>
      <td>{{ q.type }}</td><td class="mono">{{ q.competencies }}</td><td class="num">{{ q.max }}</td>
      {% for count in q.counts %}<td class="num">{{ count }}</td>{% endfor %}<td class="num">{{ q.earned }}</td>
    </tr>{% endfor %}
    </tbody>
  </table>
</section>
{% endif %}
{% if flags %}
<section id="collusion">
  <h2>{{ L.collusion }}</h2>
  <table>
    <thead><tr><th>{{ L.trainee }}</th><th>{{ L.with }}</th><th>{{ L.strength }}</th><th>{{ L.given }}</th>
      <th>{{ L.explanation }}</th></tr></thead>
    <tbody>
    {% for flag in flags %}<tr>
      <td class="id">{{ flag.trainee }}</td><td class="id">{{ flag.other }}</td>
      <td><span class="badge b-{{ flag.strength }}">{{ flag.strength_label }}</span></td>
      <td>{% for m in flag.matches %}<div><span class="id">{{ m.question }}</span>: <span class="mono">{{ m.given }}</span>
        <span class="prompt">({{ L.accepted_by }}: {{ m.accepted_by }})</span></div>{% endfor %}</td>
      <td class="text">{{ flag.explanation }}</td>
    </tr>{% endfor %}
    </tbody>
  </table>
</section>
{% endif %}
{% if malformed %}
<section id="malformed">
  <h2>{{ L.malformed_sheets }}</h2>
  <table>
    <thead><tr><th>{{ L.trainee }}</th><th>{{ L.name }}</th><th>{{ L.problem }}</th></tr></thead>
    <tbody>
    {% for row in malformed %}<tr><td class="id">{{ row.id }}</td><td class="text">{{ row.name }}</td>
      <td class="mono">{{ row.problem }}</td></tr>{% endfor %}
    </tbody>
  </table>
</section>
{% endif %}
{% if unmatched %}
<section id="unmatched">
  <h2>{{ L.unmatched }}</h2>
  <p>{% for name in unmatched %}<code>{{ name }}</code>{% if not loop.last %}, {% endif %}{% endfor %}</p>
</section>
{% endif %}
{% endif %}
{% if competencies %}
<section id="competencies">
  <h2>{{ L.heatmap if not trainee else L.competencies }}</h2>
  <figure class="wide">{{ charts.heatmap }}<div style="margin-top:8px">{{ charts.legend }}</div></figure>
  <table class="legend-table" style="margin-top:12px">
    <thead><tr><th>{{ L.code }}</th><th>{{ L.area }}</th><th>{{ L.level }}</th><th>{{ L.competency }}</th>
      {% if not trainee %}<th class="num">{{ L.class_mean }}</th>{% endif %}</tr></thead>
    <tbody>
    {% for c in competencies %}<tr><td class="mono">{{ c.id }}</td><td>{{ c.area }}</td><td>{{ c.level }}</td>
      <td>{{ c.title }}</td>{% if not trainee %}<td class="num">{{ c.mean }}</td>{% endif %}</tr>{% endfor %}
    </tbody>
  </table>
</section>
{% endif %}
</main>
<footer><div class="wrap">{{ L.generated }}</div></footer>
</body>
</html>
"""
