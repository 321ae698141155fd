"""Short texts in the recipient's language (English, French), each with a link to the page."""

from __future__ import annotations

from typing import Any

from alliance_flow.reminders.due import Due

LANGUAGES = ("en", "fr")

# kind -> language -> (title, first line). Fields come from Due.params plus `alliance`.
TEXTS: dict[str, dict[str, tuple[str, str]]] = {
    "meeting_reminder_7d": {
        "en": ("{alliance}: meeting in {days} days", "{title} starts {starts} ({timezone})."),
        "fr": (
            "{alliance} : réunion dans {days} jours",
            "{title} commence le {starts} ({timezone}).",
        ),
    },
    "meeting_reminder_1d": {
        "en": ("{alliance}: meeting tomorrow", "{title} starts {starts} ({timezone})."),
        "fr": ("{alliance} : réunion demain", "{title} commence le {starts} ({timezone})."),
    },
    "meeting_cancelled": {
        "en": ("{alliance}: meeting cancelled", "{title} planned for {starts} is cancelled."),
        "fr": ("{alliance} : réunion annulée", "{title} prévue le {starts} est annulée."),
    },
    "minutes_missing": {
        "en": ("{alliance}: minutes missing", "The minutes of {title} ({held_on}) are missing."),
        "fr": (
            "{alliance} : compte rendu manquant",
            "Le compte rendu de {title} ({held_on}) manque.",
        ),
    },
    "action_due_soon": {
        "en": ("{alliance}: action due {due}", "Your action is due on {due}: {description}"),
        "fr": (
            "{alliance} : action à rendre le {due}",
            "Votre action est due le {due} : {description}",
        ),
    },
    "action_overdue": {
        "en": ("{alliance}: action overdue", "Your action was due on {due}: {description}"),
        "fr": ("{alliance} : action en retard", "Votre action était due le {due} : {description}"),
    },
    "charter_unsigned": {
        "en": (
            "{alliance}: please sign the charter",
            "Charter version {version} awaits your signature.",
        ),
        "fr": (
            "{alliance} : merci de signer la charte",
            "La charte (version {version}) attend votre signature.",
        ),
    },
    "sustainability": {
        "en": (
            "{alliance}: sustainability deadline {deadline}",
            "Still missing: {missing}. Deadline {deadline} ({days} days).",
        ),
        "fr": (
            "{alliance} : échéance de viabilité le {deadline}",
            "Il manque encore : {missing}. Échéance le {deadline} ({days} jours).",
        ),
    },
    "sustainability_escalation": {
        "en": (
            "{alliance}: sustainability deadline passed",
            "The deadline of {deadline} has passed; still missing: {missing}.",
        ),
        "fr": (
            "{alliance} : échéance de viabilité dépassée",
            "L'échéance du {deadline} est dépassée ; il manque : {missing}.",
        ),
    },
    "ready_to_advance": {
        "en": ("{alliance}: ready to advance", "Every check of the {stage} stage has passed."),
        "fr": (
            "{alliance} : prête à avancer",
            "Toutes les vérifications de l'étape {stage} sont passées.",
        ),
    },
    "evaluation_due": {
        "en": (
            "{alliance}: evaluation due",
            "The last evaluation was on {last}; a new one is due.",
        ),
        "fr": (
            "{alliance} : évaluation à faire",
            "Dernière évaluation le {last} ; une nouvelle est due.",
        ),
    },
    "weekly_digest": {
        "en": (
            "{alliance}: weekly digest",
            "Stage {stage}. Overdue actions: {n_overdue}. Due soon: {n_soon}. "
            "Meetings in the next 14 days: {n_meetings}. Messages that could not be "
            "delivered: {n_failed}.",
        ),
        "fr": (
            "{alliance} : résumé de la semaine",
            "Étape {stage}. Actions en retard : {n_overdue}. Bientôt dues : {n_soon}. "
            "Réunions dans les 14 jours : {n_meetings}. Messages non distribués : "
            "{n_failed}.",
        ),
    },
    "funder_progress": {
        "en": ("{alliance}: progress report {month}", "The progress report for {month} is ready."),
        "fr": (
            "{alliance} : rapport d'avancement {month}",
            "Le rapport d'avancement de {month} est prêt.",
        ),
    },
}

LINKS = {
    "meeting": "/alliances/{slug}/meetings/{meeting_id}",
    "minutes_missing": "/alliances/{slug}/meetings/{meeting_id}",
    "action": "/alliances/{slug}/actions",
    "charter_unsigned": "/alliances/{slug}/charter",
    "sustainability": "/alliances/{slug}/sustainability",
    "evaluation_due": "/alliances/{slug}/evaluations",
    "funder_progress": "/alliances/{slug}/report",
}

LINK_LABEL = {"en": "Open", "fr": "Ouvrir"}


def _text_key(kind: str) -> str:
    if kind.startswith("sustainability_") and kind != "sustainability_escalation":
        return "sustainability"
    return kind


def link_for(kind: str, params: dict[str, Any], *, slug: str, base_url: str) -> str:
    """The page a message points to."""
    key = next((k for k in LINKS if kind.startswith(k)), None)
    path = LINKS[key] if key else "/alliances/{slug}"
    return base_url.rstrip("/") + path.format(slug=slug, **params)


def render(due: Due, *, alliance_name: str, slug: str, base_url: str) -> tuple[str, str]:
    """(title, body) of a due notification in its language; English when it has no text."""
    texts = TEXTS[_text_key(due.kind)]
    language = due.language if due.language in texts else "en"
    title_t, line_t = texts[language]
    p: dict[str, Any] = {"alliance": alliance_name, **due.params}
    if "missing" in p:
        p["missing"] = ", ".join(p["missing"])
    p["title"] = p.get("title") or ("la réunion" if language == "fr" else "the meeting")
    p["n_overdue"] = len(p.get("overdue", []))
    p["n_soon"] = len(p.get("due_soon", []))
    p["n_meetings"] = len(p.get("meetings", []))
    p["n_failed"] = len(p.get("failed", []))
    lines = [line_t.format(**p)]
    for item in p.get("agenda") or []:
        lines.append(f"- {item}")
    for act in p.get("overdue", []) if due.kind == "weekly_digest" else []:
        lines.append(f"! {act['due']}: {act['description']}")
    for act in p.get("due_soon", []) if due.kind == "weekly_digest" else []:
        lines.append(f"- {act['due']}: {act['description']}")
    for failed in p.get("failed", []) if due.kind == "weekly_digest" else []:
        lines.append(f"✗ {failed}")
    link = link_for(due.kind, due.params, slug=slug, base_url=base_url)
    lines.append(f"{LINK_LABEL[language]}: {link}")
    return title_t.format(**p)[:300], "\n".join(lines)
