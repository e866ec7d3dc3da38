"""The rubric's key items: split by the notes' own structure, the part the question asks for
(pure functions over display lines; no index)."""

from __future__ import annotations

import pytest

from egov_qa.check.items import claims, item_text, key_items

FEATURES = [
    "1）使用手段和技术先进实用性",
    "2）政府信息的公开共享性",
    "3）政府与公众之间沟通的互动性",
]


@pytest.mark.parametrize(
    "markers",
    [
        ("1）", "2）", "3）"),
        ("（一）", "（二）", "（三）"),
        ("①", "②", "③"),
        ("(1)", "(2)", "(3)"),
        ("a）", "b）", "c）"),
    ],
)
def test_a_numbered_list_gives_one_item_per_line_in_any_numbering(markers) -> None:
    texts = ["政府信息的公开共享性", "政府与公众之间沟通的互动性", "政府提供服务的创新性"]
    found = key_items([m + t for m, t in zip(markers, texts, strict=True)], "电子政务的特征", "电子政务有哪些特征？")
    assert found.items == texts
    assert found.kind == "list"


def test_items_are_substrings_of_the_lines_they_come_from() -> None:
    lines = ["电子政务规划的含义：是指相关的政府机构根据实际情况，明确建设的目标和优先级，制定出步骤与规范。"]
    found = key_items(lines, "电子政务规划的含义", None)
    assert len(found.items) >= 2
    assert all(any(item in line for line in found.lines) for item in found.items)


def test_a_question_about_one_of_two_things_gets_that_part() -> None:
    lines = ["1电子政务规划的指导思想", "2电子政务规划的原则：适用性原则、经济性原则、可扩展性原则、安全性原则。"]
    heading = "电子政务规划的指导思想和原则"
    asked = key_items(lines, heading, "制定电子政务规划要坚持哪些原则？")
    assert asked.items == ["适用性原则", "经济性原则", "可扩展性原则", "安全性原则"]
    both = key_items(lines, heading, "电子政务规划的指导思想和原则是什么？")
    assert both.items == [
        "电子政务规划的指导思想",
        "电子政务规划的原则：适用性原则、经济性原则、可扩展性原则、安全性原则",
    ]


def test_a_sub_list_is_chosen_by_the_line_that_leads_into_it() -> None:
    lines = [
        "1电子政务安全第一安全威胁常表现为以下特征：",
        "窃听：攻击者通过监视网络数据获得敏感信息；",
        "伪造：攻击者将伪造的信息发送给接收者；",
        "网络安全的目标应当满足：",
        "身份真实性：能对通信实体身份的真实性进行鉴别；",
        "信息机密性：保证机密信息不会泄露给非授权的人或实体；",
        "2电子政务持续建设是根本",
        "3电子政务应易于拓展",
    ]
    goals = key_items(lines, "电子政务实施措施", "电子政务的网络安全应达到哪些目标？")
    assert [i.split("：")[0] for i in goals.items] == ["身份真实性", "信息机密性"]
    whole = key_items(lines, "电子政务实施措施", "电子政务实施措施有哪些？")
    assert whole.items == ["电子政务安全第一安全威胁常表现为以下特征", "电子政务持续建设是根本", "电子政务应易于拓展"]


def test_a_series_inside_a_sentence_loses_its_lead_in_and_what_follows() -> None:
    lines = [
        "电子政务的安全保障必须建立一个完善的保障体系，需要从技术保障、管理保障、安全保障和基础设施保障等四个方面来构建。"
    ]
    found = key_items(lines, "标准、开放、安全三前提原则", "电子政务安全保障体系应从哪几个方面构建？")
    assert found.items == ["技术保障", "管理保障", "安全保障", "基础设施保障"]
    assert found.kind == "series"


def test_a_list_question_prefers_the_series_in_a_paragraph() -> None:
    lines = [
        "诺兰认为，一个组织的信息系统从开始建设到逐步成熟，一般要经过六个阶段：初装阶段、蔓延阶段、控制阶段、"
        "集成阶段、数据管理阶段和成熟阶段。前三个阶段以计算机管理为主。"
    ]
    found = key_items(lines, "诺兰阶段模型", "诺兰阶段模型把信息系统的成长分成哪几个阶段？")
    assert found.items == ["初装阶段", "蔓延阶段", "控制阶段", "集成阶段", "数据管理阶段", "成熟阶段"]


def test_a_definition_question_gets_the_defining_sentence_only() -> None:
    lines = [
        "管理信息系统（MIS）是一个以人为主导，利用计算机硬件、软件和网络通信设备，以提高企业效益为目的的人机系统。"
        "理解这一定义要把握三点：第一，它是一个人机系统；第二，它强调统一规划。"
    ]
    found = key_items(lines, "管理信息系统的定义", "什么是管理信息系统？", defines=True)
    assert found.kind == "definition"
    assert found.items[0].startswith("管理信息系统（MIS）是一个以人为主导")
    assert not any("理解这一定义" in item for item in found.items)


def test_without_structure_the_items_are_the_claims() -> None:
    text = (
        "电子政务是借助电子信息技术而进行的政务活动，是指各级政府部门运用先进的信息技术手段，并使政府的服务工作网络化。"
    )
    assert claims(text) == [
        "电子政务是借助电子信息技术而进行的政务活动",
        "是指各级政府部门运用先进的信息技术手段",
        "并使政府的服务工作网络化",
    ]
    # short clauses belong to their neighbour, never across a sentence end
    assert claims("统一规划，加强领导。需求主导，突出重点。") == ["统一规划，加强领导", "需求主导，突出重点"]


def test_a_list_item_is_its_first_sentence_and_loses_its_marker() -> None:
    lines = [
        "1）正确性维护：诊断和改正错误；",
        "2）预防性维护：主动进行的修改。按照维护的对象，系统维护又可以分为程序维护、数据维护。",
    ]
    found = key_items(lines, "系统维护", "系统维护按目的可以分成哪几类？")
    assert found.items == ["正确性维护：诊断和改正错误", "预防性维护：主动进行的修改"]
    assert item_text("（三）政府提供服务的创新性。") == "政府提供服务的创新性"
