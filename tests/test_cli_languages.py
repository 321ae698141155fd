"""The operators' command line in French, Dutch and Swedish: its help, Click's words, its output.

The commands run against the demo with French catalogs that mark every text they translate
(tests/leftovers.py); a word of the output outside the marks that is not data typed by users is
English left in the code, and fails the test with the command that printed it.
"""

from __future__ import annotations

import re

import pytest
import typer
from babel.messages.pofile import read_po
from typer.testing import CliRunner

from alliance_flow.cli import app
from alliance_flow.cli_language import _FRAMEWORK_HELP, commands, help_texts, wanted_language
from alliance_flow.i18n import LOCALES_DIR, set_language
from alliance_flow.settings import get_settings
from tests.leftovers import (
    babel_names,
    data_values,
    french_words,
    leftovers,
    marked_french,
    without_values,
)

TODAY = ["--today", "2026-03-02"]


def _command_paths() -> list[list[str]]:
    """Every command of the tree, as the words that call it (`reminders run`...)."""
    root = typer.main.get_command(app)
    paths: list[list[str]] = []

    def walk(command, path: list[str]) -> None:
        paths.append(path)
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            walk(sub, [*path, name])

    walk(root, [])
    return paths


def _syntax() -> set[str]:
    """What the operator types, the same in every language: command and option names."""
    words: set[str] = {"help"}
    for command in commands(typer.main.get_command(app)):
        words |= set(re.findall(r"[^\W\d_]+", command.name or ""))
        for param in command.params:
            for option in getattr(param, "opts", []):
                words |= set(re.findall(r"[^\W\d_]+", option))
    return words


#: A check's code (`launch.chair_and_secretary`): what `waive` takes, shown next to its title.
_CHECK_CODE = re.compile(
    r"\b(?:scope|launch|analysis|planning|dissemination|sustainability)\.[a-z_]+\b"
)
#: A file's path or an environment variable's name.
_PATH = re.compile(r"(?<!\w)(?:/[\w.-]+)+|\b[A-Z]+(?:_[A-Z]+)+\b")
#: Commands that list what the operator types: field names, kinds, and the values fields take.
_LISTS_SYNTAX = {"show", "items", "fields", "outbox"}


def _syntax_removed(args: list[str], text: str) -> str:
    """The output without what the operator typed or types: check codes, arguments, paths."""
    from alliance_flow.services.items import KINDS
    from tests.leftovers import code_values

    text = _CHECK_CODE.sub(" ", text)
    text = re.sub(r"\b\d{4}_[a-z_]+\b", " ", text)  # a migration's revision
    text = re.sub(r"\broot\b", " ", text)  # the program's name under CliRunner
    for arg in args:
        text = text.replace(arg, " ")
    text = re.sub(r"(par défaut\s:\s?⟧)[^\]]*", r"\1", text)  # a default value is typed, not read
    if _LISTS_SYNTAX & set(args):
        names = set(KINDS) | {"alliance"} | code_values()
        for kind in KINDS.values():
            names |= set(kind.schema.model_fields)
        from alliance_flow.schemas import AllianceIn

        names |= set(AllianceIn.model_fields) | {"pending", "sent", "failed", "cancelled"}
        text = re.sub(r"[\w-]+", lambda m: " " if m.group() in names else m.group(), text)
    return text


@pytest.mark.parametrize("language", ["fr", "nl", "sv"])
def test_every_help_text_and_placeholder_has_a_translation(language: str) -> None:
    root = typer.main.get_command(app)
    with (LOCALES_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh)
    translated = {m.id for m in catalog if m.id and not m.fuzzy and m.string}
    wanted = set(help_texts(root)) | set(_FRAMEWORK_HELP)
    for command in commands(root):
        wanted |= {p.metavar for p in command.params if getattr(p, "metavar", None)}
    assert len(wanted) > 100
    assert not sorted(wanted - translated), f"{language} lacks: {sorted(wanted - translated)}"


def test_the_language_comes_from_lang_then_the_environment() -> None:
    env = {"LANG": "sv_SE.UTF-8"}
    assert wanted_language(["--lang", "nl", "status", "x"], env) == "nl"
    assert wanted_language(["--lang=fr"], env) == "fr"
    assert wanted_language(["report", "x", "--lang", "fr"], env) == "sv"  # the report's language
    assert wanted_language([], {"ALLIANCE_FLOW_LANGUAGE": "fr", **env}) == "fr"
    assert wanted_language([], {"LANGUAGE": "nl:en", **env}) == "nl"
    assert wanted_language([], {"LANG": "C.UTF-8"}) is None


@pytest.fixture
def run(database_url, monkeypatch):
    """`alliance-flow --lang LANGUAGE ...` on a fresh database; the output and the exit code."""
    monkeypatch.setenv("ALLIANCE_FLOW_DATABASE_URL", database_url)
    monkeypatch.setenv("ALLIANCE_FLOW_ACTOR", "claire")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("ALLIANCE_FLOW_LANGUAGE", raising=False)
    get_settings.cache_clear()
    runner = CliRunner()

    def invoke(language: str, *args: str) -> tuple[str, int]:
        result = runner.invoke(app, ["--lang", language, *args])
        return result.output, result.exit_code

    yield invoke
    get_settings.cache_clear()
    set_language(None)


def test_every_command_speaks_french_with_no_english_left(
    run, db, database_url, monkeypatch
) -> None:
    # given the demo, loaded in French
    with marked_french(monkeypatch):
        out, code = run("fr", "demo", *TODAY)
        assert code == 0, out
        with db.transaction() as session:
            values = data_values(session)
        values |= {v[:57] for v in values if len(v) > 60}  # as a table cell cuts them
        allowed = french_words() | babel_names("fr")  # countries as Babel names them
        allowed |= {"claire", "demo", "roscommon", "bordeaux"}  # actors and slugs typed by users
        allowed |= _syntax()
        found: dict[str, set[str]] = {}
        outputs = [(["demo"], out)]
        # when every command's help, and the commands a coordinator's operator runs, are printed
        for path in _command_paths():
            outputs.append(([*path, "--help"], run("fr", *path, "--help")[0]))
        for args in (
            ["list", *TODAY],
            ["show", "bordeaux", *TODAY],
            ["status", "roscommon", *TODAY],
            ["advance", "roscommon", *TODAY],  # refused: its checks have not passed
            ["waive", "roscommon", "launch.chair_and_secretary", "--reason", "x", *TODAY],
            ["history", "bordeaux"],
            ["audit", "bordeaux", "--limit", "5"],
            ["fields"],
            ["fields", "member"],
            ["items", "bordeaux", "member"],
            ["add", "bordeaux", "member", "name"],  # not FIELD=VALUE
            ["add", "bordeaux", "member", "email=x"],  # the name is required, the e-mail wrong
            ["show", "nope"],
            ["show"],  # Click's own error: a missing argument
            ["list", "--today", "2026-13-01"],  # Click's own error: not a date
            ["list", "--no-such-option"],
            ["reminders", "outbox"],
            ["reminders", "outbox", "--status", "nope"],
            ["reminders", "channel", "bordeaux", "nobody", "json://x"],
            ["reminders", "mailbox", "/nonexistent.mbox"],
            ["user", "list"],
            ["db", "current"],
            ["privacy", "erase", "bordeaux", "1"],  # refused without --yes
        ):
            outputs.append((args, run("fr", *args)[0]))
        for args, text in outputs:
            shown_url = database_url.split("@")[-1]  # as `db current` shows it, no password
            text = _PATH.sub(" ", text.replace(shown_url, " "))  # files, before the values
            text = without_values(text, values)
            left = leftovers(_syntax_removed(args, text), allowed)
            if left:
                found[" ".join(args)] = left
    # then nothing but French and data is printed
    assert not found, "\n".join(f"{k}: {sorted(v)}" for k, v in found.items())


@pytest.mark.parametrize("language", ["nl", "sv"])
def test_help_and_refusals_in_dutch_and_swedish(run, language: str) -> None:
    out, _code = run(language, "--help")
    assert "Show this message" not in out and "carry a Regional Alliance" not in out
    out, code = run(language, "show")
    assert code == 2
    assert {"nl": "Ontbrekend argument", "sv": "Argument saknas"}[language] in out
