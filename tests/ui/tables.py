"""Small tables of our own for the dashboard tests: tricky text, a neighbourhood, shared incidents."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pandas as pd

from dashboard.schema import C, Incident, to_frame, write_table

SCRIPT_EVIDENCE = "<script>window.__xssScript = 1</script>A car bomb killed more than 40 people in the old market."
IMG_EVIDENCE = '<img src=x onerror="window.__xssImg = 1">Gunmen wounded five guards at the river bridge.'
FORMULA_EVIDENCE = '=HYPERLINK("http://example.invalid","x") Jets struck a depot on the hill.'
#: Text that loads an image from 127.0.0.2 (a loopback address no test serves) if drawn as Markdown or HTML.
IMAGE_HOST = "127.0.0.2"
MARKDOWN_IMAGE = f"![x](http://{IMAGE_HOST}/x.png)"
HTML_IMAGE = f"<img src=http://{IMAGE_HOST}/y.png>"

_BASE = Incident(
    incident_id="", date=None, date_precision="unknown", location="", mention="", admin1="North Province",
    country="Examplestan", country_code="EX", latitude=None, longitude=None, geo_precision="place",
    event_type="armed attack", killed_min=None, killed_max=None, injured_min=None, injured_max=None,
    captured_min=None, captured_max=None, actor="", source="", source_url="", article="", title="",
    published=None, evidence="",
)


def report(**fields: object) -> Incident:
    """One report row; unspecified fields are empty."""
    values = dict(fields)
    if values.get("date") is not None:
        values.setdefault("date_precision", "day")
    return replace(_BASE, **values)  # type: ignore[arg-type]


def sample_reports() -> pd.DataFrame:
    """Seven reports: one incident told by two sources, a neighbourhood of Harbor City, a mention row."""
    day = dt.date(2024, 3, 1)
    rows = [
        report(incident_id="inc-harbor", date=day, location="Harbor City", mention="Harbor City",
               latitude=10.0, longitude=20.0, event_type="armed attack", killed_min=10, killed_max=10,
               actor="the Example Front", source="Daily Example", source_url="https://daily.example/a1",
               article="a1.txt", published=day, evidence="Gunmen killed 10 people at the Harbor City port."),
        report(incident_id="inc-harbor", date=day, location="Harbor City", mention="Harbor city",
               latitude=10.0, longitude=20.0, event_type="armed attack", killed_min=13, killed_max=19,
               source="Evening Example", source_url="https://evening.example/b1", article="b1.txt",
               published=day + dt.timedelta(days=1),
               evidence="Between 13 and 19 people died when gunmen stormed the port."),
        report(incident_id="inc-market", date=day + dt.timedelta(days=1), location="Old Market",
               mention="old market", latitude=10.0, longitude=20.0, geo_precision="town",
               event_type="bombing/explosion", killed_min=40, source="Daily Example",
               source_url="https://daily.example/a2", article="a2.txt", evidence=SCRIPT_EVIDENCE),
        report(incident_id="inc-bridge", date=day + dt.timedelta(days=2), location="Riverbend",
               mention="Riverbend", latitude=10.5, longitude=20.6, event_type="armed attack",
               injured_min=5, injured_max=5, source="Evening Example", source_url="javascript:alert(1)",
               article="b2.txt", evidence=IMG_EVIDENCE),
        report(incident_id="inc-hill", date=day + dt.timedelta(days=4), location="Hilltop", mention="Hilltop",
               latitude=12.0, longitude=22.0, event_type="air or missile strike", killed_min=3, killed_max=3,
               actor="-Sky Wing", source="@Wire Example", source_url="https://wire.example/c1",
               article="c1.txt", evidence=FORMULA_EVIDENCE),
        report(incident_id="inc-lake", date=day + dt.timedelta(days=4), location="Lakeside", mention="Lakeside",
               latitude=11.0, longitude=21.0, event_type="mention", source="@Wire Example",
               source_url="https://wire.example/c1", article="c1.txt",
               evidence="Lakeside lies between the hill and the coast."),
        report(incident_id="inc-east", date=day + dt.timedelta(days=3), location="Easton", mention="Easton",
               latitude=10.3, longitude=20.2, event_type="capture/arrest", captured_min=7, captured_max=7,
               source="Daily Example", source_url="https://daily.example/a3", article="a3.txt",
               evidence="Police arrested seven men in Easton."),
    ]
    return to_frame(rows)


def write_reports(folder: Path, frame: pd.DataFrame | None = None, name: str = "reports.csv") -> Path:
    """The sample (or given) report table written as ``dashboard build`` writes it."""
    return write_table(sample_reports() if frame is None else frame, folder / name)


def image_reports() -> pd.DataFrame:
    """The sample reports with image-loading Markdown and HTML in the text cells of Hilltop's row.

    Its place name and point stay, so the row is found and clicked as usual.
    """
    frame = sample_reports()
    hill = frame[C.incident_id] == "inc-hill"
    frame.loc[hill, C.mention] = MARKDOWN_IMAGE + " " + HTML_IMAGE
    frame.loc[hill, C.actor] = HTML_IMAGE + " " + MARKDOWN_IMAGE
    frame.loc[hill, C.source] = MARKDOWN_IMAGE
    frame.loc[hill, C.evidence] = f"Jets struck a depot on the hill. {MARKDOWN_IMAGE} {HTML_IMAGE}"
    frame.loc[hill, C.title] = MARKDOWN_IMAGE
    return frame


def write_table_quoting_an_image(folder: Path) -> Path:
    """A report table whose ``latitude`` holds Markdown image text: the page's error message quotes it."""
    path = write_reports(folder, name="bad.csv")
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table.loc[0, C.latitude] = MARKDOWN_IMAGE
    table.to_csv(path, index=False)
    return path
