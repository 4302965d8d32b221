"""The names of the fields of each kind of row: the JSON contract, and what --fields picks
among.  Only names, so that the command line checks --fields without importing the sinks
and the results they print (a Tab imports the command it completes, and this alone of it)."""

from __future__ import annotations

# The fields of each kind of row, in the order JSON gives them; --fields picks among them.
EVENT_FIELDS = ("id", "date", "title", "category", "story", "entities", "sources", "related", "path",
                "extra")
SEARCH_FIELDS = (*EVENT_FIELDS, "score")
RELATED_FIELDS = ("id", "date", "title", "via", "found", "context", "score", "reasons")
PROBLEM_FIELDS = ("path", "severity", "problem", "detail")
# what a row piped or in CSV holds unless --fields says otherwise: every event row opens
# with id, date and title, then the command's own fields
ROW_FIELDS = ("id", "date", "title")
SEARCH_ROW_FIELDS = (*ROW_FIELDS, "score")
RELATED_ROW_FIELDS = (*ROW_FIELDS, "via", "found", "context")
# `show ID` piped: one `field: value` line each; a line per source and per related link
DETAIL_FIELDS = ("id", "date", "title", "category", "story", "entities", "path", "sources", "related")

TIMELINE_FIELDS = ("period", "count")
NAME_FIELDS = ("name", "count", "first", "last")
STATS_FIELDS = ("events", "days", "first", "last", "files", "skipped", "entities", "sources", "stories",
                "per_year", "top_entities", "top_sources", "categories", "without_category")
