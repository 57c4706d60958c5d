"""Shared pieces of the demo data: the reference date, names and random draws (see groupschool.demo)."""

from __future__ import annotations

import datetime
import random

from simple_history.utils import bulk_create_with_history

#: All generated dates are relative to this day (the autumn term of the 2026–2027 school year),
#: so that the same seed gives the same data whatever day it is run.
REFERENCE_DATE = datetime.date(2026, 10, 1)
Y = REFERENCE_DATE.year  # the reference school year, used in every generated date
#: The latest two terms: (school year, semester) — autumn 2026 and spring 2026.
TERMS = ((Y, 1), (Y - 1, 2))
QUOTA_YEARS = (Y - 1, Y)
BATCH_SIZE = 500
CHANGE_REASON = "demo data"
PLAN_PEER_CATEGORY = ("urban-primary", "城区公办小学", "primary")
#: Extra peer categories; their codes do not depend on the seed (shared by every seed).
EXTRA_PEER_CATEGORIES = (
    ("demo-town-primary", "乡镇中心小学", "primary"),
    ("demo-urban-junior", "城区公办初中", "junior"),
    ("demo-nine-year", "九年一贯制学校", "nine_year"),
)
GRADES = {"primary": range(1, 7), "junior": range(7, 10), "nine_year": range(1, 10)}

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
    "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严赖覃洪武"
)
GIVEN_FEMALE = "芳娟敏静丽艳娜秀英华玲桂兰霞燕萍红梅琳雪慧莉倩婷颖洁欣怡佳琴晶菲蓉露瑶雯悦"
GIVEN_MALE = "伟强磊军勇杰涛明超辉刚平鹏华飞斌波宇浩俊峰建文志国庆东海林亮成祥龙"
GIVEN_ANY = "晓小春秋子思雨宏嘉永新立德安清"
SCHOOL_PLACES_1 = "清桃龙凤金东西南北新兴文明和平华阳长安德育青白石杏梅松柏枫湖江溪泉林翠云霞虹章赣蓉"
SCHOOL_PLACES_2 = "源山湖江岭园溪桥塘坪田洲湾峰阳城苑庄洞岗井"
SCHOOL_PATTERNS = {
    "primary": ("{p}小学", "{p}实验小学", "{p}路小学", "{p}中心小学", "{p}第二小学"),
    "junior": ("{p}中学", "{p}实验中学", "{p}第一中学"),
    "nine_year": ("{p}学校", "{p}实验学校"),
}
#: Campus names come from a street or area, like 红旗校区 and 龙翔校区 (not 本部/东校区, which would
#: read the same for every school in lists and charts).
CAMPUS_PLACES = "红星建设人民解放朝阳胜利文化育才滨江新华光明幸福和平五一中山迎宾春晖书院学府"
DISTRICTS = ("城东区", "城西区", "城南区", "城北区", "高新区", "江北新区", "桃源县")
BANKS = ("中国农业银行", "中国工商银行", "中国建设银行", "中国银行", "农村商业银行")
CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"

#: Subjects by stage, with weights (Chinese and maths teach most lessons in primary school).
SUBJECT_WEIGHTS = {
    "primary": {
        "chinese": 30, "maths": 24, "english": 9, "science": 6, "morality": 5, "music": 5, "pe": 7,
        "art": 5, "it": 3, "practice": 3, "psychology": 2,
    },
    "junior": {
        "chinese": 15, "maths": 15, "english": 14, "morality": 6, "history": 6, "geography": 5,
        "physics": 8, "chemistry": 6, "biology": 6, "pe": 7, "music": 3, "art": 3, "it": 3,
        "psychology": 2,
    },
}  # fmt: skip
SUBJECT_WEIGHTS["nine_year"] = SUBJECT_WEIGHTS["primary"] | SUBJECT_WEIGHTS["junior"]
SUBJECT_ZH = {
    "chinese": "语文", "maths": "数学", "english": "英语", "science": "科学", "morality": "道德与法治",
    "music": "音乐", "pe": "体育", "art": "美术", "it": "信息科技", "practice": "综合实践",
    "psychology": "心理健康", "history": "历史", "geography": "地理", "physics": "物理",
    "chemistry": "化学", "biology": "生物", "none": "",
}  # fmt: skip
#: The position of each campus's staff member no. 1, who leads the campus.
EXECUTIVE_VICE_PRINCIPAL = "执行副校长"
MANAGEMENT_POSITIONS = ("教务主任", "德育主任", "总务主任", "办公室主任", "教科室主任", "大队辅导员")
SUPPORT_POSITIONS = ("实验员", "图书管理员", "校医", "信息管理员")
SERVICE_POSITIONS = ("安保员", "食堂管理员", "保育员")
TITLE_BY_YEARS = (  # (minimum years of service, title weights)
    (0, {"unrated": 6, "third": 3, "second": 1}),
    (3, {"second": 7, "first": 2, "unrated": 1}),
    (10, {"first": 6, "second": 3, "senior": 1}),
    (18, {"first": 5, "senior": 4, "second": 1}),
    (26, {"senior": 6, "first": 3, "senior_professor": 1}),
)
BACKBONE_KIND_WEIGHTS = {"backbone": 65, "subject_leader": 22, "famous_teacher": 13}
LEVEL_WEIGHTS = {"county": 50, "municipal": 30, "provincial": 12, "school": 6, "national": 2}
ROTATION_STATUS_WEIGHTS = {
    "proposed": 15, "approved": 12, "active": 40, "completed": 15, "rejected": 10, "withdrawn": 8,
}  # fmt: skip
ROTATION_REASONS = (
    "支援新校区学科建设",
    "均衡校区间师资配置",
    "骨干教师示范引领",
    "交流锻炼，积累多校区教学经验",
    "补充紧缺学科教师",
)
MENTORSHIP_GOALS = (
    "一年内独立承担一门学科教学，完成一节校级公开课",
    "掌握班级管理方法，胜任班主任工作",
    "提升课堂教学设计能力，参加县级优质课评比",
    "完成一篇教学案例或论文",
)
PROJECT_TOPICS = (
    "大单元教学设计",
    "作业设计与减负提质",
    "跨学科主题学习",
    "课堂提问有效性",
    "集团校区同步教研",
    "大班额条件下的分层教学",
)
ACTIVITY_TITLES = {
    "joint_research": "{subject}学科集团联合教研",
    "teaching_visit": "名师送教到{campus}",
    "lesson_observation": "{subject}青年教师听评课",
    "lecture": "{subject}新课标专题讲座",
}


def weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def date_between(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randrange(max(1, (end - start).days)))


def person_name(rng: random.Random, gender: str) -> str:
    given = GIVEN_FEMALE if gender == "F" else GIVEN_MALE
    if rng.random() < 0.55:
        return rng.choice(SURNAMES) + rng.choice(GIVEN_ANY + given) + rng.choice(given)
    return rng.choice(SURNAMES) + rng.choice(given)


def bulk(counts, model, objs: list, label: str) -> list:
    """Create the rows with their creation history (change reason "demo data"); count them."""
    if not objs:
        return []
    created = bulk_create_with_history(
        objs, model, batch_size=BATCH_SIZE, default_change_reason=CHANGE_REASON
    )
    counts[label] += len(objs)
    return created
