"""What the frontmatter and the body of an event file both give: a source, a name's spacing,
and the problems of the file as they are found."""

from __future__ import annotations

from urllib.parse import urlsplit

from newscli.model.event import Problem, Source
from newscli.model.words import no_surrogates


def normalise_space(text: str) -> str:
    return " ".join(text.split())


def domain_of(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


def is_url(text: str) -> bool:
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return parts.scheme in {"http", "https", "ftp"} and bool(parts.netloc) and " " not in text


class Collector:
    """Problems of one file, in the order found."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def error(self, problem: str, detail: str = "") -> None:
        self.problems.append(Problem(self.path, "error", problem, no_surrogates(detail)))

    def warning(self, problem: str, detail: str = "") -> None:
        self.problems.append(Problem(self.path, "warning", problem, no_surrogates(detail)))


def make_source(name: str, url: str | None, problems: Collector) -> Source | None:
    if url and not is_url(url):
        problems.error("source URL is not a URL", url)
        url = None
    if not name:
        if not url:
            problems.error("source has no name")
            return None
        problems.error("source has no name", url)
        name = domain_of(url) or url
    return Source(name=name, url=url, domain=domain_of(url))
