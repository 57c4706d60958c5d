"""One language at a time: the main pages, crawled from the dashboard as each role, show no English
word in the Chinese interface and no untranslated Chinese in the English one.

Names and the plan's own words come from the data, so the text of every record in the database is
allowed on both sides; what remains on a page is interface text, which must be translated.
"""

import re
from html.parser import HTMLParser
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.test import Client

from groupschool.demo_accounts import demo_accounts_create
from groupschool.plan_data import plan_data_load

ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")
CHINESE_RUN = re.compile(r"[\u4e00-\u9fff]+")
#: A gloss: the plan's own term in brackets after its English name ("Leader (组长)").
GLOSS = re.compile(r"[(（][^()（）]*[)）]")
#: Words that are the same in both interfaces: file formats and product names.
SAME_IN_BOTH = {"CSV", "XLSX", "Excel", "PDF", "ECharts", "English"}
#: The API's names and the HTTP header a program sends (api/: the token page, the documentation).
SAME_IN_BOTH |= {"API", "REST", "OpenAPI", "Swagger", "ReDoc", "Authorization", "Token"}
#: File types an upload accepts ("pdf, docx, jpg").
FILE_TYPES = set(
    "csv xlsx xls docx doc pdf png jpg jpeg gif webp pptx ppt txt zip odt ods odp wps dps et rar".split()
)
#: Chinese the English interface keeps: a language's own name, the State Council document that
#: sets class-size thresholds, and examples of positions a user types in Chinese.
KEPT_CHINESE = {"简体中文", "国发", "副局长", "教务主任"}
#: Pages that are files, actions or other languages' switches, not pages to read.
SKIP = re.compile(r"logout|export|/file/|download|attachments|/i18n/|/admin/|template|\?")
PAGES_PER_ROLE = 60


class _Text(HTMLParser):
    """The visible text of a page (and the labels a screen reader reads), and its local links."""

    def __init__(self):
        super().__init__()
        self.hidden = 0
        self.text: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style", "template"):
            self.hidden += 1
        if tag == "a" and (attrs.get("href") or "").startswith("/"):
            self.links.append(attrs["href"].split("#")[0])
        for name in ("title", "aria-label", "placeholder", "alt"):
            if attrs.get(name):
                self.text.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.text.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template"):
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.text.append(data.strip())


def _data_text() -> str:
    """Every text value in the database: names, titles, the plan's words."""
    chunks = []
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField)) and not f.choices
        ]
        if fields:
            for row in model._default_manager.values_list(*fields):
                chunks.extend(value for value in row if value)
    return "\n".join(chunks)


@pytest.fixture
def demo(db):
    """The plan, the demo accounts and a small demo; the text of its records."""
    plan_data_load()
    demo_accounts_create()
    call_command(
        "generate_demo", "--schools", "2", "--staff-per-campus", "8", "--seed", "1", stdout=StringIO()
    )
    return _data_text()


def _crawl(username, language):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username=username))
    seen, queue, pages = set(), ["/"], {}
    while queue and len(pages) < PAGES_PER_ROLE:
        url = queue.pop(0)
        if url in seen or SKIP.search(url):
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        parser = _Text()
        parser.feed(response.content.decode())
        pages[url] = parser.text
        queue.extend(link for link in parser.links if link not in seen)
    return pages


ROLES = ["bureau", "supervisor", "personnel", "principal", "vp-longxiang"]


def test_chinese_interface_has_no_english(demo):
    leaks = {}  # word: the first page it was seen on
    for username in ROLES:
        pages = _crawl(username, "zh-hans")
        assert len(pages) > 20, username
        leaks = {**_english_leaks(pages, demo), **leaks}
    assert not leaks, sorted(leaks.items())


def _without_glosses(text: str) -> str:
    bare = GLOSS.sub("", text)
    return bare if ENGLISH_WORD.search(bare) else text


def _english_leaks(pages, demo):
    leaks = {}
    for url, texts in pages.items():
        words = {
            word
            for text in texts
            for word in ENGLISH_WORD.findall(text)
            if word not in SAME_IN_BOTH and word.lower() not in FILE_TYPES and word not in demo
        }
        for word in words:
            leaks.setdefault(word, url)
    return leaks


def test_english_interface_has_no_untranslated_chinese(demo):
    leaks = {}  # run of Chinese characters: the first page it was seen on
    for username in ROLES:
        pages = _crawl(username, "en")
        assert len(pages) > 20, username
        for url, texts in pages.items():
            for run in {
                run
                for text in texts
                for run in CHINESE_RUN.findall(_without_glosses(text))
                if run not in demo and run not in KEPT_CHINESE
            }:
                leaks.setdefault(run, url)
    assert not leaks, sorted(leaks.items())
