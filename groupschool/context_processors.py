from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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
            (_("Supervision visits"), "planning:visit_list"),
            (_("Rectifications"), "planning:rectification_list"),
            (_("Expansion applications"), "planning:application_list"),
            (_("Typical experiences"), "planning:experience_list"),
            (_("Published experiences"), "planning:experience_published"),
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


def _menu(path: str):
    menu = []
    for label, entries in MENU:
        items = []
        for item_label, name in entries:
            try:
                url = reverse(name)
            except NoReverseMatch:
                continue
            items.append({"label": item_label, "url": url, "active": path.startswith(url)})
        if items:
            menu.append({"label": label, "items": items, "active": any(i["active"] for i in items)})
    return menu


def portal(request):
    """Values every page needs: the interface languages and the main menu."""
    context = {
        "PORTAL_LANGUAGES": settings.LANGUAGES,
        "LOCKOUT_MINUTES": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        context["portal_menu"] = _menu(request.path)
    return context
