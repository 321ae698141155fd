"""The command line in the operator's language: its help, Click's own messages and our output.

Typer turns the app into Click commands when it is called, with help texts fixed at import. So
the root group (`LocalizedGroup`) chooses the language from the command line (`--lang`),
ALLIANCE_FLOW_LANGUAGE or the locale (LANGUAGE, LC_ALL, LC_MESSAGES, LANG) before Click parses
anything, translates every help text of the command tree through the catalogs, and routes Click's
own messages ("Usage:", "Missing argument"...) to the same catalogs. In English nothing is
looked up, so `alliance-flow --help` loads no catalog.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping, Sequence
from typing import Any

from typer import _click as click
from typer.core import TyperArgument, TyperGroup
from typer.exceptions import Abort

from alliance_flow.errors import AllianceFlowError, FieldProblem
from alliance_flow.i18n import DEFAULT_LANGUAGE, N_, _, current_language, set_language

#: Typer's own module that still asks gettext ("Options", "[default: 3]", "No such command").
_GETTEXT_MODULES = ("typer.core",)


def language_code(value: str | None) -> str | None:
    """'fr', from 'fr', 'fr_FR.UTF-8', 'fr-BE' or 'fr:en'; None for '', 'C' or 'POSIX'."""
    if not value:
        return None
    code = value.split(":")[0].split(".")[0].split("@")[0].replace("-", "_").split("_")[0]
    code = code.strip().lower()
    return None if code in ("", "c", "posix") else code


def wanted_language(args: Sequence[str], environ: Mapping[str, str]) -> str | None:
    """The language asked for: `--lang` before the command's name, else the environment."""
    for i, arg in enumerate(args):
        if not arg.startswith("-") or arg == "--":
            break
        if arg == "--lang" and i + 1 < len(args):
            return language_code(args[i + 1])
        if arg.startswith("--lang="):
            return language_code(arg.split("=", 1)[1])
    for name in ("ALLIANCE_FLOW_LANGUAGE", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        code = language_code(environ.get(name))
        if code:
            return code
    return None


def _gettext(message: str) -> str:
    if current_language() == DEFAULT_LANGUAGE:
        return message
    from alliance_flow.i18n import _

    return _(message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    if current_language() == DEFAULT_LANGUAGE:
        return singular if n == 1 else plural
    from alliance_flow.i18n import ngettext

    return ngettext(singular, plural, n)


def route_click_messages() -> None:
    """Typer's words come from our catalogs: those it asks gettext for, and its usage line."""
    for name in _GETTEXT_MODULES:
        module = sys.modules.get(name)
        if module is not None:
            module._ = _gettext  # type: ignore[attr-defined]
    click.core.Context.formatter_class = LocalizedFormatter


class LocalizedFormatter(click.formatting.HelpFormatter):
    """Click's help layout with its own words ("Usage:", the --help option) translated."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, _gettext("Usage: ") if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{_gettext('{heading}:').format(heading=heading)}\n")

    def write_dl(self, rows: Sequence[tuple[str, str]], *args: Any, **kwargs: Any) -> None:
        super().write_dl([(term, _framework_text(text)) for term, text in rows], *args, **kwargs)


def _framework_text(text: str) -> str:
    return _gettext(text) if text in _FRAMEWORK_HELP else text


#: Help texts Typer and Click add to every command (no gettext there since Typer 0.29).
_FRAMEWORK_HELP = frozenset(
    {
        N_("Show this message and exit."),
        N_("Install completion for the current shell."),
        N_("Show completion for the current shell, to copy it or customize the installation."),
    }
)

#: Click's error messages (written in English in Typer's copy of Click), read as catalog entries.
_CLICK_ERRORS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.DOTALL), message)
    for pattern, message in (
        (r"Missing argument (?P<name>'[^']*')\.", N_("Missing argument {name}.")),
        (r"Missing option (?P<name>'[^']*')\.", N_("Missing option {name}.")),
        (r"Missing parameter: (?P<name>.*)", N_("Missing parameter: {name}")),
        (r"No such option: (?P<name>\S+)", N_("No such option: {name}")),
        (r"No such command (?P<name>'.*')\.", N_("No such command {name}.")),
        (r"Missing command\.", N_("Missing command.")),
        (
            r"Got unexpected extra arguments? \((?P<args>.*)\)",
            N_("Got unexpected extra arguments ({args})"),
        ),
        (
            r"Invalid value for (?P<name>.+?): (?P<problem>.*)",
            N_("Invalid value for {name}: {problem}"),
        ),
        (r"Invalid value: (?P<problem>.*)", N_("Invalid value: {problem}")),
        (
            r"(?P<value>'.*') does not match the formats? (?P<formats>.*)\.",
            N_("{value} does not match the format {formats}."),
        ),
        (r"Value (?P<value>.*) is not a valid int\.", N_("{value} is not a whole number.")),
        (r"Value (?P<value>.*) is not a valid float\.", N_("{value} is not a number.")),
        (
            r"(?:File|Path|Directory) (?P<value>'.*') does not exist\.",
            N_("{value} does not exist."),
        ),
        (
            r"(?:File|Path) (?P<value>'.*') is a directory\.",
            N_("{value} is a directory, not a file."),
        ),
    )
)


def click_message(message: str) -> str:
    """One of Click's messages in the current language (as it came when it is not known)."""
    if current_language() == DEFAULT_LANGUAGE:
        return message
    message = message.removeprefix("Value error, ")  # pydantic's, under Typer's date parsing
    for pattern, msgid in _CLICK_ERRORS:
        found = pattern.fullmatch(message)
        if found:
            parts = found.groupdict()
            if "problem" in parts:
                parts["problem"] = click_message(parts["problem"])
            if "formats" in parts:  # the strftime pattern, as the reader writes a date
                parts["formats"] = parts["formats"].replace("'%Y-%m-%d'", _("YYYY-MM-DD"))
            return _(msgid).format(**parts)
    return message


def show_error(error: click.exceptions.ClickException) -> None:
    """Click's way of showing a usage error (usage, hint, error), in the current language."""
    out = sys.stderr
    if isinstance(error, click.exceptions.UsageError) and error.ctx is not None:
        ctx = error.ctx
        hint = ""
        if ctx.command.get_help_option(ctx) is not None:
            hint = _gettext("Try '{command} {option}' for help.").format(
                command=ctx.command_path, option=ctx.help_option_names[0]
            )
        click.utils.echo(f"{ctx.get_usage()}\n{hint}", file=out, color=ctx.color)
    message = click_message(error.format_message())
    click.utils.echo(_gettext("Error: {message}").format(message=message), file=out)


def commands(root: click.Command) -> list[click.Command]:
    """The root and every command under it."""
    found = [root]
    for sub in getattr(root, "commands", {}).values():
        found.extend(commands(sub))
    return found


def help_texts(root: click.Command) -> list[str]:
    """Every help text of the tree, in English (what the catalogs translate)."""
    texts: list[str] = []
    for command in commands(root):
        texts.extend(t for t in (_english(command, "help"), _english(command, "short_help")) if t)
        for param in command.params:
            text = _english(param, "help")
            if text:
                texts.append(text)
    return texts


def _english(thing: Any, attribute: str) -> str | None:
    """The English text of a help attribute, remembered the first time it is translated."""
    originals: dict[str, str | None] = thing.__dict__.setdefault("_english_help", {})
    if attribute not in originals:
        originals[attribute] = getattr(thing, attribute, None)
    return originals[attribute]


def translate_help(root: click.Command) -> None:
    """Every help text and placeholder of the tree in the current language."""
    translate = _gettext
    for command in commands(root):
        for attribute in ("help", "short_help", "options_metavar", "subcommand_metavar"):
            text = _english(command, attribute)
            if text:
                setattr(command, attribute, translate(text))
        for param in command.params:
            text = _english(param, "help")
            if text:
                param.help = translate(text)  # type: ignore[attr-defined]
            placeholder = _english(param, "metavar") or _placeholder(param)
            if placeholder:
                param.metavar = translate(placeholder)
                if isinstance(param, TyperArgument):
                    param.__class__ = _NamedArgument


def _placeholder(param: click.core.Parameter) -> str | None:
    """What a value is called in the help ('ALLIANCE', 'YYYY-MM-DD'), instead of Typer's type."""
    if isinstance(param, TyperArgument):
        return _ARGUMENTS.get(param.name or "")
    described = getattr(param, "type_descriptor", None)
    if described is None or getattr(param, "is_flag", False):
        return None
    if described.is_datetime:
        return N_("YYYY-MM-DD")
    if described.is_path:
        return N_("FILE")
    if described.annotation is int:
        return N_("NUMBER")
    return N_("TEXT")


#: The arguments' placeholders, by parameter name.
_ARGUMENTS = {
    "alliance": N_("ALLIANCE"),
    "name": N_("NAME"),
    "fields": N_("FIELD=VALUE"),
    "kind": N_("KIND"),
    "item_and_fields": N_("ID FIELD=VALUE"),
    "item_id": N_("ID"),
    "member_id": N_("MEMBER"),
    "member": N_("MEMBER"),
    "file": N_("FILE"),
    "code": N_("CODE"),
    "target": N_("FILE"),
    "source": N_("FILE"),
    "login": N_("LOGIN"),
    "role": N_("ROLE"),
    "token_id": N_("ID"),
    "audience": N_("AUDIENCE"),
    "apprise_url": N_("URL"),
    "path": N_("FILE"),
}


class _NamedArgument(TyperArgument):
    """An argument shown by its placeholder alone ('ALLIANCE'), not 'ALLIANCE <str>'."""

    def display_type_rich(self, ctx: click.Context) -> str | None:
        return None


class LocalizedGroup(TyperGroup):
    """The root command: speaks the operator's language from the first line of help on."""

    def main(self, args: Sequence[str] | None = None, *pos: Any, **extra: Any) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        set_language(wanted_language(argv, os.environ))
        route_click_messages()
        translate_help(self)
        if not extra.get("standalone_mode", True) or pos:
            return super().main(args, *pos, **extra)
        # Typer's standalone mode, with Click's messages shown in the operator's language.
        try:
            code = super().main(args, **{**extra, "standalone_mode": False})
        except click.exceptions.ClickException as error:
            show_error(error)
            sys.exit(error.exit_code)
        except Abort:
            click.utils.echo(_gettext("Aborted!"), file=sys.stderr)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


def error_label(exc: AllianceFlowError) -> str:
    """'Error: ' in the operator's language (scripts read the exit code, not the words)."""
    return _("Error: ")


def field_problem(problem: FieldProblem) -> str:
    """One problem of the input, 'line 3, name: required' in the operator's language."""
    if problem.line is None:
        return _("{field}: {problem}").format(field=problem.field, problem=problem.problem)
    return _("line {line}, {field}: {problem}").format(
        line=problem.line, field=problem.field, problem=problem.problem
    )


def stage_name(code: str) -> str:
    """A stage as the operator reads it ('Planification'), never its code."""
    from alliance_flow.web.labels import STAGES

    return _(STAGES[code]) if code in STAGES else code
