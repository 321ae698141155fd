"""Compiled catalogs are kept in the user's cache, under the hash of their .po file."""

from __future__ import annotations

from pathlib import Path

import pytest

from alliance_flow.i18n import LOCALES_DIR, compile_catalog

PO = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=2; plural=(n > 1);\\n"

msgid "Alliance"
msgstr "{word}"

msgid "{{n}} member"
msgid_plural "{{n}} members"
msgstr[0] "{{n}} membre"
msgstr[1] "{{n}} membres"
"""


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "alliance_flow" / "catalogs"


def test_a_catalog_is_compiled_once_then_read_from_the_cache(cache: Path, tmp_path: Path) -> None:
    po = tmp_path / "messages.po"
    po.write_text(PO.format(word="Alliance régionale"), encoding="utf-8")
    first = compile_catalog(po, "fr")
    [kept] = cache.glob("fr-*.mo")
    again = compile_catalog(po, "fr")
    assert list(cache.iterdir()) == [kept]  # read back, not written again
    for catalog in (first, again):
        assert catalog.gettext("Alliance") == "Alliance régionale"
        assert catalog.ngettext("{n} member", "{n} members", 2) == "{n} membres"
    # an edited .po is another file: never an out-of-date translation
    po.write_text(PO.format(word="Partenariat"), encoding="utf-8")
    assert compile_catalog(po, "fr").gettext("Alliance") == "Partenariat"
    assert len(list(cache.glob("fr-*.mo"))) == 2


def test_a_damaged_or_unwritable_cache_only_means_compiling_again(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    po = tmp_path / "messages.po"
    po.write_text(PO.format(word="Alliance régionale"), encoding="utf-8")
    compile_catalog(po, "fr")
    [kept] = cache.glob("fr-*.mo")
    kept.write_bytes(b"\x00" * 10)  # cut short
    assert compile_catalog(po, "fr").gettext("Alliance") == "Alliance régionale"
    assert kept.read_bytes()[:4] != b"\x00" * 4  # and written again, whole
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    assert compile_catalog(po, "fr").gettext("Alliance") == "Alliance régionale"


def test_the_project_catalogs_read_from_the_cache_say_the_same(cache: Path) -> None:
    for language in ("fr", "nl", "sv"):
        po = LOCALES_DIR / language / "LC_MESSAGES" / "messages.po"
        compiled = compile_catalog(po, language)
        cached = compile_catalog(po, language)
        assert len(list(cache.glob(f"{language}-*.mo"))) == 1
        assert cached._catalog == compiled._catalog  # type: ignore[attr-defined]
        assert compiled.gettext("Charter") != "Charter"
