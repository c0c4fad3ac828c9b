"""Sentences + resolved places -> Incident rows (type, tolls, actor, date, evidence).

CONTRACT (filled in by the events work):
    extract_incidents(article: Article, places: list[ResolvedMention]) -> list[Incident]
One row per (incident, place) the article reports, plus one `mention` row per place named with
nothing reported there. incident_id is deterministic (reconcile may regroup it later).
"""
