import functools

from django.conf import settings
from django.urls import NoReverseMatch, Resolver404, get_urlconf, resolve, reverse
from django.utils.translation import get_language, get_language_info, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from kernel.generic import RoleRequiredMixin
from kernel.scoping import user_scope

#: The main menu: (label, [(label, url name), ...]). Entries whose URL does not exist are left out.
MENU = [
    (
        pgettext_lazy("menu", "Groups"),
        [
            (_("Education groups"), "campuses:group_list"),
            (_("Campuses"), "campuses:campus_list"),
            (_("Enrollment"), "campuses:enrollment_list"),
            (_("Policy settings"), "campuses:policy"),
        ],
    ),
    (
        _("Staff"),
        [
            (_("Staff members"), "staff:member_list"),
            (_("Staffing quotas"), "staff:quota_list"),
        ],
    ),
    (
        pgettext_lazy("menu", "Exchange"),
        [
            (_("Rotations"), "staff:rotation_list"),
            (_("Mentoring pairs"), "staff:mentorship_list"),
            (_("Famous-teacher studios"), "staff:studio_list"),
            (_("Research projects"), "staff:project_list"),
            (_("Cross-campus activities"), "staff:activity_list"),
        ],
    ),
    (
        _("Leadership"),
        [
            (_("Leading group"), "staff:leading_group"),
            (_("Posts and first responsibilities"), "staff:responsibilities"),
        ],
    ),
    (
        _("Work plan"),
        [
            (_("Timeline"), "planning:timeline"),
            (_("My work"), "planning:my_work"),
            (_("Measures"), "planning:measure_list"),
            (_("Sub-tasks"), "planning:subtask_list"),
            (_("Progress reports"), "planning:report_list"),
            (_("Documents register"), "planning:document_list"),
            (_("Meetings"), "planning:meeting_list"),
            (_("Notifications"), "planning:notification_list"),
        ],
    ),
    (
        pgettext_lazy("menu", "Supervision"),
        [
            (_("Supervision visits"), "supervision:visit_list"),
            (_("Rectifications"), "supervision:rectification_list"),
            (_("Expansion applications"), "campuses:application_list"),
            (_("Typical experiences"), "supervision:experience_list"),
            (_("Published experiences"), "supervision:experience_published"),
        ],
    ),
    (
        pgettext_lazy("menu", "Sharing"),
        [
            (_("Funds by campus"), "sharing:funds"),
            (_("Budgets"), "sharing:budget_list"),
            (_("Allocations"), "sharing:allocation_list"),
            (_("Spending"), "sharing:spending_list"),
            (_("Reallocations"), "sharing:reallocation_list"),
            (_("Asset register"), "sharing:asset_list"),
            (_("Asset transfers"), "sharing:transfer_list"),
            (_("Shared teaching resources"), "sharing:resource_list"),
            (_("Resource sharing across campuses"), "sharing:resource_sharing"),
            (_("Resource-sharing indicators"), "sharing:indicators"),
        ],
    ),
    (
        _("Assessment"),
        [
            (_("Assessment schemes"), "evaluation:scheme_list"),
        ],
    ),
]

#: The user's own menu (the dropdown under their name, beside the language and "log out"): tools
#: that are not a domain of the plan. Filtered the same way as MENU.
USER_MENU = [
    (
        _("Notices"),
        [
            (_("Notice channels"), "notices:channel_list"),
            (_("Delivery log"), "notices:delivery_list"),
        ],
    ),
    (
        pgettext_lazy("menu", "API"),
        [
            (_("API tokens"), "api:token_list"),
            (_("API documentation"), "api:docs"),
        ],
    ),
]


@functools.lru_cache(maxsize=1024)
def _view_class(url: str, urlconf) -> type | None | bool:
    """The view class behind `url` (None: a function view; False: no view). URLs resolve the
    same way for the whole process, so each menu URL is resolved once, not on every page."""
    try:
        match = resolve(url, urlconf)
    except Resolver404:
        return False
    return getattr(match.func, "view_class", None)


def may_open(user, url: str) -> bool:
    """Would the view behind `url` let this user in (no 403)?

    The view's own test is asked: a view class may say so itself with a `user_may_open(user)`
    classmethod; otherwise a view refusing roles (kernel.generic.RoleRequiredMixin) is
    asked about its `allowed_roles`. Views without a role test are open to every signed-in user.
    tests/groupschool/test_menu.py follows every menu link of every demo role and expects a 200."""
    view_class = _view_class(url, get_urlconf())
    if view_class is False:
        return False
    if view_class is None:
        return True
    check = getattr(view_class, "user_may_open", None)
    if check is not None:
        return bool(check(user))
    if issubclass(view_class, RoleRequiredMixin):
        return user_scope(user).has_role(*view_class.allowed_roles)
    return True


def _active_url(path: str, urls) -> str | None:
    """The one menu URL the page belongs to: the longest that starts its path. The dashboard
    ("/", a prefix of every path) only on itself."""
    home = reverse("home")
    if path == home:
        return home
    matches = [url for url in urls if url != home and path.startswith(url)]
    return max(matches, key=len) if matches else None


@functools.lru_cache(maxsize=64)
def _urls(names: tuple[str, ...], language: str, urlconf) -> tuple[str | None, ...]:
    """The menu's URL names reversed, once per language (None: no such URL)."""
    urls = []
    for name in names:
        try:
            urls.append(reverse(name, urlconf))
        except NoReverseMatch:
            urls.append(None)
    return tuple(urls)


def _sections(user, spec) -> list[dict]:
    names = tuple(name for _label, entries in spec for _item_label, name in entries)
    urls = iter(_urls(names, get_language(), get_urlconf()))
    sections = []
    for label, entries in spec:
        items = []
        for item_label, _name in entries:
            url = next(urls)
            if url is not None and may_open(user, url):
                items.append({"label": item_label, "url": url})
        if items:
            sections.append({"label": label, "items": items})
    return sections


def _menu(user, path: str):
    """The main menu's sections and the user menu's, each item marked active when the page is
    its (one item at most, over both), and whether the page is the dashboard."""
    sections, user_sections = _sections(user, MENU), _sections(user, USER_MENU)
    every = [item for section in sections + user_sections for item in section["items"]]
    active = _active_url(path, [item["url"] for item in every])
    for section in sections + user_sections:
        for item in section["items"]:
            item["active"] = item["url"] == active
        section["active"] = any(item["active"] for item in section["items"])
    return sections, user_sections, active == reverse("home")


def _languages():
    """The interface languages, each in its own name ("English", "简体中文")."""
    return [(code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES]


def portal(request):
    """Values every page needs: the interface languages and the main menu."""
    context = {
        "PORTAL_LANGUAGES": _languages(),
        "LOCKOUT_MINUTES": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        menu, user_menu, home_active = _menu(user, request.path)
        context.update(portal_menu=menu, portal_user_menu=user_menu, portal_home_active=home_active)
    return context
