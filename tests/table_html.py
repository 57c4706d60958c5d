"""Reading a rendered list table back: the text of its header and body cells."""

from html.parser import HTMLParser


class _TableCells(HTMLParser):
    def __init__(self):
        super().__init__()
        self.header: list[str] = []
        self.rows: list[list[str]] = []
        self._section = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag in ("thead", "tbody"):
            self._section = tag
        elif tag == "tr" and self._section == "tbody":
            self.rows.append([])
        elif tag in ("td", "th") and self._section:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("thead", "tbody"):
            self._section = None
        elif tag in ("td", "th") and self._cell is not None:
            text = " ".join("".join(self._cell).split())
            (self.header if self._section == "thead" else self.rows[-1]).append(text)
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def table_cells(html: str) -> tuple[list[str], list[list[str]]]:
    """(header texts, body rows' cell texts) of the first table in `html`."""
    parser = _TableCells()
    parser.feed(html[html.index("<table") : html.index("</table>")])
    return parser.header, parser.rows
