"""The mapped classes and the Core tables they are mapped onto say the same columns.

A column is declared in alliance_flow/core_tables.py and typed on its class in models.py. SQLAlchemy
ignores an annotation with no column behind it (the attribute is then missing at run time), and
maps a column nobody annotated without a type for mypy: both would go unnoticed.
"""

from __future__ import annotations

import inspect

from sqlalchemy.orm import configure_mappers

from alliance_flow import models

MAPPED = [
    cls
    for _, cls in inspect.getmembers(models, inspect.isclass)
    if cls.__module__ == models.__name__ and "__table__" in vars(cls)
]


def test_every_class_of_the_models_is_mapped_onto_a_core_table() -> None:
    assert len(MAPPED) >= 29
    for cls in MAPPED:
        assert cls.__tablename__ == cls.__table__.name, cls


def test_each_class_annotates_exactly_its_tables_columns_with_their_nullability() -> None:
    configure_mappers()
    for cls in MAPPED:
        relationships = set(cls.__mapper__.relationships.keys())
        annotated = {
            name: text
            for name, text in vars(cls).get("__annotations__", {}).items()
            if str(text).startswith("Mapped[") and name not in relationships
        }
        columns = cls.__table__.columns
        assert set(annotated) == set(columns.keys()), cls
        for name, text in annotated.items():
            optional = "| None" in str(text)
            assert optional == (columns[name].nullable and not columns[name].primary_key), (
                cls,
                name,
            )
