"""The places stage: article text -> place mentions resolved to points.

In data-flow order: :mod:`placenames` (name folding), :mod:`world_index` and :mod:`gazetteer`
(the embedded offline index), :mod:`geoparse` (finding names the gazetteer knows and resolving
them from the article's context), :mod:`unknown_names` (names it does not know, found by their
cues), :mod:`nominatim` (the geopy client that asks a Nominatim server), and :mod:`locate`, which
owns the whole stage: gazetteer first, then the geocoder, then the fallback.
"""
