"""Everyday office prose: letters, internal memos and meeting notes."""

from __future__ import annotations

from datetime import timedelta

from labkit.evidence.documents.base import DocumentContext
from labkit.evidence.documents.composition import Block, Paragraph
from labkit.evidence.documents.office_facts import format_date, pick_person
from labkit.evidence.documents.scene import Scene


def letter(scene: Scene, paragraphs: int, ctx: DocumentContext) -> tuple[str, list[Block]]:
    """A business letter from ``company`` to ``counterpart``."""
    labels, rng = scene.vocabulary.labels, scene.rng
    recipient = pick_person(rng, scene.vocabulary)
    subject = scene.fill(labels["letter_subject"])
    greeting = labels["greeting_female" if recipient.female else "greeting_male"]
    return subject, [
        Paragraph(f"{scene.company}, {scene.city}", heading=True),
        Paragraph(
            f"{labels['reference']} {rng.randint(10, 990)}\n{format_date(scene.today, scene.vocabulary)}"
        ),
        Paragraph(f"{labels['to']}: {scene.counterpart}, {recipient.full_name}"),
        Paragraph(f"{labels['subject']}: {subject}"),
        Paragraph(greeting.format(first=recipient.first, surname=recipient.surname)),
        *scene.body(paragraphs),
        scene.signature(),
    ]


def memo(scene: Scene, paragraphs: int, ctx: DocumentContext) -> tuple[str, list[Block]]:
    """An internal memo from the author to the head of ``company``."""
    labels, vocabulary = scene.vocabulary.labels, scene.vocabulary
    head = pick_person(scene.rng, vocabulary)
    subject = scene.fill(labels["memo_subject"])
    return labels["memo"], [
        Paragraph(
            f"{labels['to']}: {vocabulary.positions[3]} {head.full_name}\n"
            f"{labels['from']}: {ctx.author}\n"
            f"{labels['date']}: {format_date(scene.today, vocabulary)}\n"
            f"{labels['subject']}: {subject}"
        ),
        *scene.body(paragraphs),
        scene.signature(),
    ]


def meeting_notes(scene: Scene, paragraphs: int, ctx: DocumentContext) -> tuple[str, list[Block]]:
    """Minutes: attendees, numbered agenda, decisions with owners and deadlines."""
    labels, vocabulary, rng = scene.vocabulary.labels, scene.vocabulary, scene.rng
    attendees = [ctx.author, *(pick_person(rng, vocabulary).full_name for _ in range(rng.randint(2, 4)))]
    agenda = rng.sample(vocabulary.agenda_items, len(vocabulary.agenda_items))
    decisions = rng.sample(vocabulary.decisions, len(vocabulary.decisions))
    blocks: list[Block] = [
        Paragraph(f"{scene.city}, {format_date(scene.today, vocabulary)}"),
        Paragraph(f"{labels['attendees']}: {', '.join(attendees)}"),
        Paragraph(labels["agenda"], heading=True),
        Paragraph(
            "\n".join(
                f"{index + 1}. {scene.fill(agenda[index % len(agenda)])}" for index in range(paragraphs)
            )
        ),
        Paragraph(labels["decisions"], heading=True),
    ]
    for index in range(paragraphs):
        due = format_date(scene.today + timedelta(days=rng.randint(3, 30)), vocabulary)
        blocks.append(
            Paragraph(
                f"{index + 1}. {scene.fill(decisions[index % len(decisions)])} "
                f"{labels['responsible']}: {rng.choice(attendees)}. "
                f"{labels['deadline']}: {due}."
            )
        )
    return labels["minutes"], blocks
