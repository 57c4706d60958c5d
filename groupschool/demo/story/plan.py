"""The plan's work on the plan's campuses: sub-tasks of the measures with progress reports,
meetings with decisions, the plan's documents in every state, supervision visits with their
rectifications (see groupschool.demo.story)."""

from __future__ import annotations

import datetime

from ..common import Y
from . import PLAN_CAMPUSES, Story, at

D = datetime.date
#: Sub-tasks given to every campus: (measure, title, start, due, course by campus). A course is
#: "done", "new", ("progress", %) or ("overdue", %): overdue items are reported on after their
#: due date without being finished. A campus opened later starts its earlier tasks on opening.
SUBTASKS = (
    ("三(一)1", "{c}建立党风廉政与意识形态“一岗双责”责任清单", D(2023, 3, 1), D(2023, 9, 30), {}),
    ("三(一)2", "{c}执行集团一体化管理制度汇编", D(2023, 10, 1), D(2024, 4, 30), {}),
    ("三(三)2", "{c}组织校区联合教研（每学期不少于4次）", D(Y, 2, 20), D(Y, 7, 10), {}),
    (
        "三(三)1",
        "{c}落实{y}学年教师交流轮岗计划",
        D(Y, 3, 1),
        D(Y, 9, 30),
        {"longxiang": ("overdue", 70)},
    ),
    (
        "三(二)1",
        "{c}完成{y}年度集团化办学考核自评材料",
        D(Y, 9, 1),
        D(Y, 11, 15),
        {"longxiang": ("overdue", 80), "taojiang": ("overdue", 60)},
    ),
    (
        "三(二)2",
        "{c}开展{y}学年教职工内部考核评价",
        D(Y, 9, 1),
        D(Y + 1, 1, 15),
        {"hongqi": ("progress", 50), "longxiang": ("progress", 40), "taojiang": ("progress", 30)},
    ),
    (
        "三(三)2",
        "{c}开展师徒结对与名师工作室年度活动",
        D(Y, 9, 1),
        D(Y + 1, 6, 30),
        {"hongqi": ("progress", 40), "longxiang": ("progress", 20), "taojiang": "new"},
    ),
)
REPORT_DONE = "{c}已全部完成，相关材料已报集团办公室归档。"
REPORT_MID = "{c}已召开专题会议部署，完成方案制定和任务分解，按计划推进。"
REPORT_LATE = "{c}已完成{p}%，剩余部分因人员调整延后，预计下月完成。"
REPORT_PROGRESS = "{c}按计划推进，已完成{p}%。"
PROGRESS_DAY = D(Y, 11, 20)  # the latest reports of the story

MEETINGS = (
    (
        "progress_review",
        f"{Y}年集团化办学工作推进会",
        D(Y, 3, 12),
        "红旗校区会议室",
        f"一、总结{Y - 1}年集团化办学工作；二、部署{Y}年重点任务；三、教师交流轮岗计划。",
        (
            ("general", "各校区于9月底前完成本学年教师交流轮岗计划，骨干教师交流占比不低于20%。"),
            ("general", "集团联合教研每学期不少于4次，由红旗校区牵头。"),
        ),
    ),
    (
        "major_decision",
        f"集团{Y}年第一次“三重一大”事项决策会议",
        D(Y, 4, 8),
        "红旗校区会议室",
        f"一、{Y}年度经费分配方案；二、校区执行副校长分工；三、桃江校区设备购置项目。",
        (
            ("funds", f"审议通过{Y}年度集团经费分配方案，按校区学生数和教师数分配公用经费。"),
            ("appointment", "明确红旗、龙翔、桃江三个校区执行副校长及分工。"),
            ("project", "同意桃江校区智慧教室设备购置项目，从专项经费列支。"),
        ),
    ),
    (
        "leading_group",
        f"集团化办学工作领导小组{Y}年第一次会议",
        D(Y, 6, 18),
        "龙师附小",
        "一、审议集团办学章程、三年发展规划和教师培训交流规章制度；二、听取考核评价工作汇报。",
        (("major_matter", "审议通过集团办学章程、三年发展规划和教师培训交流规章制度。"),),
    ),
    (
        "progress_review",
        f"{Y}年秋季学期集团校区工作部署会",
        D(Y, 9, 10),
        "桃江校区会议室",
        "一、秋季学期重点工作；二、迎接年度考核；三、校区同步教研。",
        (("general", "桃江校区与红旗校区建立语文、数学同步教研机制，年底前形成制度。"),),
    ),
)
#: The follow-up sub-task of the last meeting's decision.
FOLLOW_UP = ("三(三)2", "桃江校区与红旗校区建立同步教研机制", "taojiang", D(Y, 9, 15), D(Y, 12, 31))
#: The plan's documents (fixtures/plan_measures.json) by the state the story leaves them in.
DOCUMENTS_APPROVED = ("group-charter", "three-year-development-plan", "rules-teacher-training-exchange")
DOCUMENTS_UNDER_REVIEW = ("annual-work-plan", "rules-teaching-management")
VISIT_TEAM = "督导室 刘振华、陈静怡"


def generate(story: Story) -> None:
    _subtasks(story)
    _meetings(story)
    _visits(story)


def _dates(campus, start: datetime.date, due: datetime.date) -> tuple[datetime.date, datetime.date]:
    opened = campus.opened_on
    if opened and opened > start:
        return opened, max(due, opened + datetime.timedelta(days=120))
    return start, due


def _subtasks(story: Story) -> None:
    from planning.models import Measure, SubTask
    from planning.services import subtask_create
    from staff.models import Unit

    first = SUBTASKS[0][1].format(c=story.campuses["hongqi"].name, y=Y)
    if SubTask.objects.filter(title=first).exists():
        return
    measures = {m.code: m for m in Measure.objects.all()}
    principal = story.users["principal"]
    for code, template, start, due, courses in SUBTASKS:
        if code not in measures:
            continue
        for campus_code in PLAN_CAMPUSES:
            campus = story.campuses[campus_code]
            start_on, due_on = _dates(campus, start, due)
            task = subtask_create(
                user=principal,
                measure=measures[code],
                title=template.format(c=campus.name, y=Y),
                campus=campus,
                owner=story.evp[campus_code],
                start_on=start_on,
                due_on=due_on,
            )
            story.counts["sub-tasks"] += 1
            _reports(story, task, courses.get(campus_code, "done"), campus.name, story.vp(campus_code))
    supervision = Unit.objects.filter(code="duda-shi").first()
    if supervision is not None and "三(二)1" in measures:
        task = subtask_create(
            user=story.users["bureau"],
            measure=measures["三(二)1"],
            title=f"督导室组织{Y}年度集团化办学考核评估",
            unit=supervision,
            start_on=D(Y, 9, 1),
            due_on=D(Y, 11, 30),
        )
        story.counts["sub-tasks"] += 1
        _reports(story, task, "done", "督导室", story.users["supervisor"])


def _reports(story: Story, task, course, who: str, author) -> None:
    from planning.services import progress_report_file

    def report(day: datetime.date, percent: int, text: str) -> None:
        progress_report_file(user=author, subtask=task, text=text, percent=percent, now=at(day, 16))
        story.counts["progress reports"] += 1

    start, due = task.start_on, task.due_on
    middle = start + (due - start) * 2 // 5
    if course == "new":
        return
    if course == "done":
        report(middle, 50, REPORT_MID.format(c=who))
        report(due - datetime.timedelta(days=5), 100, REPORT_DONE.format(c=who))
        return
    kind, percent = course
    if kind == "overdue":
        report(middle, percent // 20 * 10, REPORT_MID.format(c=who))
        report(due + datetime.timedelta(days=12), percent, REPORT_LATE.format(c=who, p=percent))
    else:
        report(
            min(PROGRESS_DAY, due - datetime.timedelta(days=1)),
            percent,
            REPORT_PROGRESS.format(c=who, p=percent),
        )


def _meetings(story: Story) -> None:
    from planning.models import Document, Measure, Meeting
    from planning.services import decision_create, document_approve, document_submit

    if Meeting.objects.filter(title=MEETINGS[0][1]).exists():
        return
    principal, bureau = story.users["principal"], story.users["bureau"]
    attendees = [*story.leaders.values(), *story.evp.values()]
    meetings = []
    for kind, title, held_on, location, agenda, decisions in MEETINGS:
        meeting = Meeting(
            group=story.group,
            kind=kind,
            title=title,
            held_on=held_on,
            location=location,
            agenda=agenda,
            minutes=f"会议由{story.leaders['secretary'].name}主持，{len(attendees)}人出席。"
            + "".join(f"会议决定：{text}" for _c, text in decisions),
        )
        meeting.full_clean()
        meeting.save()
        meeting.attendees.set(attendees)
        meetings.append(meeting)
        story.counts["meetings"] += 1
        for category, text in decisions:
            follow_up = None
            if title == MEETINGS[-1][1]:
                code, task_title, campus_code, start_on, due_on = FOLLOW_UP
                follow_up = {
                    "measure": Measure.objects.get(group=story.group, code=code),
                    "title": task_title,
                    "campus": story.campuses[campus_code],
                    "owner": story.evp[campus_code],
                    "start_on": start_on,
                    "due_on": due_on,
                }
                story.counts["sub-tasks"] += 1
            decision_create(
                user=principal, meeting=meeting, text=text, category=category, follow_up=follow_up
            )
            story.counts["decisions"] += 1
    approving = next(m for m in meetings if m.kind == "leading_group")
    for document in Document.objects.filter(
        code__in=DOCUMENTS_APPROVED + DOCUMENTS_UNDER_REVIEW, status=Document.DocStatus.DRAFT
    ):
        document = document_submit(user=principal, document=document)
        if document.code in DOCUMENTS_APPROVED:
            document_approve(user=bureau, document=document, meeting=approving, approved_on=approving.held_on)
        story.counts["documents moved on"] += 1


def _visits(story: Story) -> None:
    from supervision.models import SupervisionVisit
    from supervision.services import rectification_close, rectification_create, supervision_visit_create

    if SupervisionVisit.objects.filter(team=VISIT_TEAM).exists():
        return
    bureau = story.users["bureau"]
    spring = supervision_visit_create(
        user=bureau,
        kind="supervision",
        visited_on=D(Y, 5, 14),
        team=VISIT_TEAM,
        findings="桃江校区开办第二年，功能室配备基本到位；图书配备未达标准，校区联合教研记录不完整。",
        campus=story.campuses["taojiang"],
    )
    done = rectification_create(
        user=bureau,
        visit=spring,
        description="补齐校区联合教研记录，建立每学期教研台账。",
        owner=story.vp("taojiang"),
        due_on=D(Y, 7, 10),
    )
    rectification_close(
        user=story.vp("taojiang"),
        rectification=done,
        record="已建立联合教研台账，补录本学期4次联合教研记录。",
        now=at(D(Y, 7, 2)),
    )
    autumn = supervision_visit_create(
        user=bureau,
        kind="process_evaluation",
        visited_on=D(Y, 10, 28),
        team=VISIT_TEAM,
        findings="集团一体化管理运行顺畅；龙翔校区教师交流轮岗计划未按期完成，骨干教师交流占比偏低；"
        "红旗校区大班额尚未化解。",
        group=story.group,
    )
    rectification_create(
        user=bureau,
        visit=autumn,
        description="完成本学年教师交流轮岗计划，骨干教师交流占比达到20%。",
        owner=story.vp("longxiang"),
        due_on=D(Y, 12, 25),
        campus=story.campuses["longxiang"],
    )
    rectification_create(
        user=bureau,
        visit=autumn,
        description="制定化解大班额方案，下学期起一年级新生班额不超过45人。",
        owner=story.vp("hongqi"),
        due_on=D(Y, 11, 30),
        campus=story.campuses["hongqi"],
    )
    rectification_create(
        user=bureau,
        visit=autumn,
        description="修订集团内部考核评价制度，报教育局备案。",
        owner=story.users["principal"],
        due_on=D(Y + 1, 1, 15),
    )
    story.counts["supervision visits"] += 2
    story.counts["rectifications"] += 4
