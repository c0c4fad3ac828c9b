"""The wing that writes the incident table: article -> mentions -> places -> incidents -> table.

Stages, one module each, data flowing one way:
``ingest`` (files -> Article), ``gazetteer`` (embedded place index), ``geoparse``
(text -> resolved place mentions), ``geocode`` (geopy chain for names the gazetteer lacks),
``casualties`` (toll phrases -> ranges), ``events`` (sentences + places -> Incident rows),
``reconcile`` (several reports of one incident -> one incident id), ``pipeline`` (calls them).
"""
