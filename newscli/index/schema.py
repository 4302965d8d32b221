"""The index's schema: the tables the README documents as an interface, and the indexes
made after a bulk load.  Bump SCHEMA_VERSION whenever it or what is stored in it changes:
an older database is rebuilt."""

from __future__ import annotations

SCHEMA_VERSION = 6  # 6: linked_from
# Entity names are kept apart in their column of `search` by this token, so that no phrase
# runs from one name into the next.
NAME_BREAK = "_"

# The tables are the interface the README documents; the indexes come after a bulk load.
TABLES = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;
-- the archive's listing the index was last brought up to date with (marshal), one part per
-- top folder, compared with each run's: out of meta, as 17 MB there slowed every look-up
CREATE TABLE IF NOT EXISTS last_walk (part TEXT PRIMARY KEY, listing BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,   -- relative to the archive root, '/'-separated
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    problems TEXT,               -- JSON [[severity, problem, detail], ...] found when parsing
    duplicate_of TEXT            -- the event id another file gives already (this one is skipped)
);
CREATE TABLE IF NOT EXISTS events (
    file INTEGER PRIMARY KEY,    -- files.id of the file that gives it
    date TEXT NOT NULL,          -- YYYY-MM-DD
    slug TEXT NOT NULL,          -- the file name without .md; the event id is date/slug
    title TEXT NOT NULL,
    category TEXT,
    story TEXT,
    extra TEXT,                  -- JSON object: frontmatter keys the model has no field for
    links TEXT,                  -- JSON [[targets.id, [positions in its entity list]], ...]
    title_slug TEXT NOT NULL,    -- the title folded and slugged: resolves links to renamed files
    heading INTEGER NOT NULL,    -- 1: the title is only a heading or a list of story names
    UNIQUE (date, slug)
);
CREATE TABLE IF NOT EXISTS sources (
    event INTEGER NOT NULL,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    url TEXT,
    domain TEXT,
    PRIMARY KEY (event, position)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS event_entities (
    entity TEXT NOT NULL,        -- the name in lower case (casefolded): entities.key
    event INTEGER NOT NULL,
    date TEXT NOT NULL,
    position INTEGER NOT NULL,   -- in the event's entity list
    name TEXT NOT NULL,          -- as this event writes it
    PRIMARY KEY (entity, event)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS entities (
    key TEXT PRIMARY KEY,
    name TEXT NOT NULL,          -- the most used spelling
    folded TEXT NOT NULL,        -- lower case without accents, for matching names as typed
    events INTEGER NOT NULL,
    first TEXT NOT NULL,
    last TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS source_names (
    name TEXT PRIMARY KEY,       -- as the sources table writes it (not empty)
    events INTEGER NOT NULL,
    first TEXT NOT NULL,
    last TEXT NOT NULL
) WITHOUT ROWID;
-- which events link to each target: finding the links to an event read every event's
-- links (117 ms of a warm `related ID` on the whole archive) before it had this table
CREATE TABLE IF NOT EXISTS linked_from (
    target INTEGER NOT NULL,     -- targets.id
    event INTEGER NOT NULL,      -- events.file of the event whose Related: list has it
    PRIMARY KEY (target, event)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS targets (
    id INTEGER PRIMARY KEY,      -- a hash of the three columns: one row per distinct link
    date TEXT,                   -- the date folders of the link's target, if it has them
    slug TEXT NOT NULL,
    text TEXT NOT NULL           -- the link's own text
);
CREATE TABLE IF NOT EXISTS day_order (
    date TEXT NOT NULL,
    slug TEXT NOT NULL,
    file INTEGER NOT NULL,       -- the day page (index.md) that lists it
    position INTEGER NOT NULL,
    PRIMARY KEY (date, slug, file)
) WITHOUT ROWID;
-- case- and accent-folded words of each event, for full-text search (rowid = events.file)
CREATE VIRTUAL TABLE IF NOT EXISTS search USING fts5(
    title, entities, story, category, sources, tokenize="ascii tokenchars '''_'"
);
CREATE TABLE IF NOT EXISTS vocabulary (term TEXT PRIMARY KEY, events INTEGER NOT NULL) WITHOUT ROWID;
CREATE VIEW IF NOT EXISTS links AS
    SELECT e.file AS event, CAST(l.key AS INTEGER) AS position, t.date AS target_date,
           t.slug AS target_slug, CASE WHEN t.date IS NULL THEN t.slug ELSE t.date || '/' || t.slug END
           AS target_id, t.text AS text,
           (SELECT group_concat(ee.name, ', ') FROM json_each(l.value, '$[1]') AS c
              JOIN event_entities AS ee ON ee.event = e.file AND ee.position = c.value) AS context
    FROM events AS e, json_each(e.links) AS l
    JOIN targets AS t ON t.id = json_extract(l.value, '$[0]');
"""
DAY_PAGE = "(path LIKE '%/index.md' OR path = 'index.md')"  # files.path of a day page
INDEXES = f"""
CREATE INDEX IF NOT EXISTS events_slug ON events (slug);
CREATE INDEX IF NOT EXISTS entities_folded ON entities (folded);
CREATE INDEX IF NOT EXISTS events_heading ON events (file) WHERE heading;
CREATE INDEX IF NOT EXISTS targets_date ON targets (date, slug);
CREATE INDEX IF NOT EXISTS linked_from_event ON linked_from (event);
CREATE INDEX IF NOT EXISTS files_day_pages ON files (id) WHERE {DAY_PAGE};
CREATE INDEX IF NOT EXISTS event_entities_event ON event_entities (event);
CREATE INDEX IF NOT EXISTS day_order_file ON day_order (file);
CREATE INDEX IF NOT EXISTS files_duplicate ON files (duplicate_of) WHERE duplicate_of IS NOT NULL;
-- news sources, stories and stats count names with their dates; --source finds names
CREATE INDEX IF NOT EXISTS sources_name ON sources (name, event);
-- events by date alone: a tenth of the size of (date, slug) for scans of dates (stats,
-- on-this-day, the sources of a span)
CREATE INDEX IF NOT EXISTS events_date ON events (date);
CREATE INDEX IF NOT EXISTS events_story ON events (story, date) WHERE story IS NOT NULL;
CREATE INDEX IF NOT EXISTS events_category ON events (category, date) WHERE category IS NOT NULL;
"""
