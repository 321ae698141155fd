"""The CLI shows every value as text: brackets in a name are data, never rich markup."""

from __future__ import annotations

from tests.test_cli import TODAY, cli  # noqa: F401  (the fixture)


def test_names_with_square_brackets_are_listed_whole(cli) -> None:  # noqa: F811
    cli("create", "Alliance [/] test", "--country", "fr", "slug=brackets")
    cli("create", "Maison des femmes [antenne nord]", "--country", "fr", "slug=maison")
    cli("create", "Emoji :smile: [bold]x[/bold]", "--country", "fr", "slug=emoji")
    listing = cli("list", *TODAY)
    assert "Alliance [/] test" in listing
    assert "Maison des femmes [antenne nord]" in listing
    assert ":smile: [bold]x[/bold]" in listing
    shown = cli("show", "maison", *TODAY)
    assert "Maison des femmes [antenne nord]" in shown


def test_a_value_longer_than_its_column_is_refused_naming_the_field(cli) -> None:  # noqa: F811
    cli("create", "Phones", "--country", "fr", "slug=phones")
    out = cli("add", "phones", "member", "name=Ana", "phone=" + "0" * 3000, code=1)
    assert "phone" in out and "at most 60" in out
