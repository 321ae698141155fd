"""The guide's mapping exercise: put the alliance's organisations on a map, and take the map
elsewhere as GeoJSON (uMap) or KML (Google My Maps, uMap). Callers own the transaction."""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any
from xml.etree import ElementTree as ET

from sqlalchemy import select
from sqlalchemy.orm import Session

from alliance_flow import models as m
from alliance_flow.errors import FieldProblem, InvalidInput
from alliance_flow.i18n import _
from alliance_flow.safety import safe_url
from alliance_flow.services import items as item_service

KML_NS = "http://www.opengis.net/kml/2.2"

Label = Callable[[str], str]


def _same(code: str) -> str:
    return code


@dataclass(frozen=True)
class Place:
    """One organisation as the map shows it; no contact person, no e-mail, no phone."""

    id: int
    name: str
    group: str
    sectors: tuple[str, ...]
    website: str | None
    address: str | None
    latitude: float | None
    longitude: float | None

    @property
    def mapped(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "lat": self.latitude,
            "lng": self.longitude,
            "address": self.address,
        }


def places(*, session: Session, alliance: m.Alliance) -> list[Place]:
    rows = session.scalars(
        select(m.Organisation)
        .where(m.Organisation.alliance_id == alliance.id)
        .order_by(m.Organisation.name)
    )
    return [
        Place(
            o.id,
            o.name,
            o.group,
            tuple(o.sectors),
            o.website,
            o.address,
            o.latitude,
            o.longitude,
        )
        for o in rows
    ]


def place_organisation(
    *,
    session: Session,
    alliance: m.Alliance,
    organisation_id: int,
    latitude: str,
    longitude: str,
    today: date,
) -> m.Organisation:
    """Put one organisation on the map (both coordinates), or take it off (both empty)."""
    lat, lng = (latitude or "").strip(), (longitude or "").strip()
    if bool(lat) != bool(lng):
        missing = "latitude" if not lat else "longitude"
        raise InvalidInput(
            [FieldProblem(missing, _("give both the latitude and the longitude, or neither"))]
        )
    row = item_service.edit_item(
        session=session,
        alliance=alliance,
        kind="organisation",
        item_id=organisation_id,
        changes={"latitude": _decimal_point(lat), "longitude": _decimal_point(lng)},
        today=today,
    )
    return row  # type: ignore[return-value]


def _decimal_point(text: str) -> str:
    """French and Swedish coordinates are typed with a decimal comma: 44,8378."""
    return text.replace(",", ".") if text.count(",") == 1 and "." not in text else text


def _description(p: Place, label: Label) -> str:
    parts = [label(p.group)]
    if p.sectors:
        parts.append(", ".join(label(s) for s in p.sectors))
    if p.address:
        parts.append(p.address)
    if website := safe_url(p.website, mail=False):
        parts.append(website)
    return "\n".join(parts)


def geojson(*, alliance: m.Alliance, rows: list[Place], label: Label = _same) -> dict[str, Any]:
    """A FeatureCollection of the mapped organisations (RFC 7946: longitude first)."""
    features = [
        {
            "type": "Feature",
            "id": p.id,
            "geometry": {"type": "Point", "coordinates": [p.longitude, p.latitude]},
            "properties": {
                "name": p.name,
                "description": _description(p, label),
                "group": label(p.group),
                "sectors": [label(s) for s in p.sectors],
                "website": safe_url(p.website, mail=False),
                "address": p.address,
            },
        }
        for p in rows
        if p.mapped
    ]
    return {"type": "FeatureCollection", "name": alliance.name, "features": features}


def geojson_text(*, alliance: m.Alliance, rows: list[Place], label: Label = _same) -> str:
    return json.dumps(geojson(alliance=alliance, rows=rows, label=label), ensure_ascii=False)


def _xml_text(text: str) -> str:
    """Text XML 1.0 may hold: control characters (other than tab and newline) dropped, as
    ElementTree writes them as they are and the file would not open."""
    return "".join(c for c in text if c in "\t\n" or ord(c) >= 32)


def kml_text(*, alliance: m.Alliance, rows: list[Place], label: Label = _same) -> str:
    """A KML 2.2 document with one Placemark per mapped organisation.

    Earth and most GIS tools show a description as HTML: it is written escaped, so a typed
    `<script>` or `<a href="javascript:...">` reads as text there too."""
    ET.register_namespace("", KML_NS)

    def el(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
        node = ET.SubElement(parent, f"{{{KML_NS}}}{tag}")
        if text is not None:
            node.text = _xml_text(text)
        return node

    root = ET.Element(f"{{{KML_NS}}}kml")
    doc = el(root, "Document")
    el(doc, "name", alliance.name)
    for p in rows:
        if not p.mapped:
            continue
        mark = el(doc, "Placemark")
        mark.set("id", f"organisation-{p.id}")
        el(mark, "name", p.name)
        el(mark, "description", html.escape(_description(p, label)))
        data = el(mark, "ExtendedData")
        values = {
            "group": label(p.group),
            "sectors": ", ".join(label(s) for s in p.sectors),
            "website": safe_url(p.website, mail=False) or "",
            "address": p.address or "",
        }
        for key, value in values.items():
            d = el(data, "Data")
            d.set("name", key)
            el(d, "value", value)
        point = el(mark, "Point")
        el(point, "coordinates", f"{p.longitude!r},{p.latitude!r},0")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")
