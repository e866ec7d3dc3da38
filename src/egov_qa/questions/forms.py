"""The forms questions come in: exam instructions, marks and blanks, multiple-choice options, case
material. ``as_plain_question`` and ``asked_part`` reduce them to what is asked."""

from __future__ import annotations

import re

from egov_qa.lexicon import CN_SMALL, EXAM_INSTRUCTIONS, EXPLAIN_VERBS, QUESTION_MORPHEMES, alternation
from egov_qa.text import sentences

# An instruction in front of the topic: an exam paper's ("名词解释：电子政务", "三、简述…",
# "论述题：…", "判断题：…") or a polite request ("请介绍一下…", "请说明…", "简单介绍一下…").
_INSTRUCTION = re.compile(
    rf"^\s*(?:[{CN_SMALL}\d]+\s*[、.．]\s*)?"
    rf"({alternation(EXAM_INSTRUCTIONS)}"
    rf"|(?:请|麻烦你?)(?:简单|简要|详细)?地?(?:{alternation(EXPLAIN_VERBS)}|说明|讲|说|谈)(?:一下)?"
    rf"|(?:简单|简要)?地?(?:{alternation(EXPLAIN_VERBS)})一下"
    r"|请?(?:结合|联系)实际|问题(?=\s*[:：])|(?:请|试)?(?:结合|根据|阅读)(?:材料|案例)(?:回答问题|回答)?)\s*[:：，,]?\s*"
)
# An exam paper's marks ("（10分）", "(每题3分)") and the blanks of a fill-in item ("____", "（ ）").
_MARKS = re.compile(r"[（(]\s*(?:每小题|每题|本题|共)?\s*\d+(?:\.\d+)?\s*分\s*[)）]")
_BLANK = re.compile(r"[_＿]{2,}|[（(]\s*[)）]")
_ASKED_BLANK = re.compile(r"是\s*(?:[_＿]{2,}|[（(]\s*[)）])")
# A multiple-choice question's options, from "A." after the stem to the end ("…是（ ）A.eMPA B.OA
# C.MIS D.ERP"): distractors are by design often not in the notes; the stem is the question.
_OPTIONS = re.compile(r"(?<=[）)？?。：:\s])[AＡ]\s*[.．、:：)）]\s*\S.*?[BＢ]\s*[.．、:：)）].*$", re.DOTALL)


_OUR_COUNTRY = re.compile(r"(?:咱们|我们|咱)国家|咱国")
# "分几步" asks for the steps, "分几层" for the levels: the words the notes head them with.
_COUNTED_ASPECT = ((re.compile(r"哪?几个?步(?!骤)"), "哪些步骤"), (re.compile(r"哪?几个?层(?!次)"), "哪些层次"))


def as_plain_question(text: str) -> str:
    """The question an instruction asks: "名词解释：X" → "什么是X？", "简述X。" → "X。",
    "请介绍一下子网划分" → "子网划分", "三、论述题（15分）：试述X。" → "X。".

    The instruction word would otherwise pull the question's vector towards any unit that
    "explains" or "describes" something, and jieba cuts "一下子网" as "一下子 / 网". A student's
    "咱们国家" / "我们国家" is written Chinese's (and every set of notes') "我国".
    """
    # "X是（ ）" / "X是____" asks what X is: the blank after 是 is the question's "什么".
    text = _BLANK.sub("", _ASKED_BLANK.sub("是什么", _MARKS.sub("", _OPTIONS.sub("", text))))
    text = _OUR_COUNTRY.sub("我国", text).strip()
    for counted, aspect in _COUNTED_ASPECT:
        text = counted.sub(aspect, text)
    definition = False
    while (match := _INSTRUCTION.match(text)) and text[match.end() :].strip():
        definition = definition or match.group(1) == "名词解释"
        text = text[match.end() :].strip()
    return f"什么是{text.rstrip('。.？?')}？" if definition else text


MATERIAL_CHARS = 40  # a case question's material runs longer than any question of one topic


def asked_part(text: str) -> str:
    """What a case question asks, without its material: the last sentence when it asks something
    and follows at least ``MATERIAL_CHARS`` characters of other text ("某市推行“一网通办”……请分析该市
    的做法体现了电子政务的哪些功能？" → the last sentence); else the whole text."""
    parts = sentences(text)
    last = parts[-1] if parts else ""
    plain = as_plain_question(last)  # "请结合材料回答：名词解释：X" asks too
    asks = plain != last or "？" in last or "?" in last or any(m in last for m in QUESTION_MORPHEMES)
    before = len(text) - len(last)
    return plain if len(parts) > 1 and asks and before >= MATERIAL_CHARS else text
