"""Chinese text helpers shared by keyword search and answer extraction."""

from __future__ import annotations

import logging
import re
import unicodedata
from functools import lru_cache

import jieba
import opencc

jieba.setLogLevel(logging.WARNING)

# Words that carry no topic: question scaffolding and particles (generic Chinese, not course terms).
STOPWORDS = frozenset(
    "的 了 是 在 和 与 及 跟 或 也 都 就 还 又 而 被 把 对 从 以 为 之 其 这 那 它 他 她 们 个 些 "
    "吗 呢 吧 啊 呀 嘛 么 什么 哪些 哪个 哪几 哪 几 怎么 怎样 如何 为什么 为啥 啥 多少 是否 "
    "有 有没有 一下 一些 一个 可以 能 会 要 请问 请 说说 讲讲 介绍 具体 主要 一般 分别 包括 "
    "笔记 里 中 上 下 方面 问题 意思 内容 东西 时候 那么 这个 那个 这些 那些 我 我们 你 "
    # the classroom a question is asked in ("老师说的…", "书上怎么定义的")
    "老师 书上 课本 教材 课上 "
    # exam instructions ("简述…", "名词解释：…", "论述题：…结合实际谈谈")
    "简述 论述 试述 阐述 概述 简答 简析 试析 名词解释 名词 解释 论述题 简答题 谈谈 试谈 举例 "
    "举例说明 结合实际 回事 怎么回事 "
    # the same scaffolding in English ("What is G2B?", "explain ERP please")
    "what whats is are was were the a an of in on to for and or how why which who does do did can "
    "could should would about with by from as at it its this that these those be mean means meaning "
    "explain please tell me".split()
)
_WORD = re.compile(r"[\w\u4e00-\u9fff]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_CAPITALS = re.compile(r"(?<![A-Za-z])[A-Z]{2,}(?![a-z])")
_ENGLISH_S = re.compile(r"['’]s\b")  # "what's G2B": the s is no word
_ASCII_PAIR = re.compile(r"(?<![a-z0-9])([a-z0-9]+) +(?=([a-z0-9]+)(?![a-z0-9]))")
_SENTENCE = re.compile(r"[^。；！？\n]+[。；！？]?|\n")


_ACRONYM_LINK = re.compile(r"(?<=[a-z])(?:\s*-\s*|2)(?=[a-z]\b|[a-z](?![a-z]))")


_T2S = opencc.OpenCC("t2s")  # thread-safe: the converter holds no per-call state


def is_cjk_word(text: str) -> bool:
    """Chinese characters only (no digits, Latin letters or punctuation)."""
    return bool(_CJK_RUN.fullmatch(text))


_ACRONYM = re.compile(r"[a-z][a-z0-9]{1,9}(?![a-z0-9])")
_ASCII_RUN = re.compile(r"[a-z0-9]+")


def acronyms(text: str) -> set[str]:
    """English acronyms and terms as matching sees them: normalized (so "G2C" = "G-C"), spaces
    removed (a scrape's "MRP II" = "MRPII") once English scaffolding is gone ("What is G2B?" asks
    about "gb", not "whatisgb")."""
    stop = _stopwords(text)
    topical = _ASCII_RUN.sub(lambda m: "" if m.group() in stop else m.group(), _ENGLISH_S.sub("", normalize(text)))
    return set(_ACRONYM.findall(re.sub(r"\s+", "", topical)))


def _stopwords(text: str) -> frozenset[str]:
    """STOPWORDS, except an English word typed in capitals: an acronym ("IT", "DO"), never a
    stopword ("it", "do")."""
    return STOPWORDS - {w.lower() for w in _CAPITALS.findall(text)}


_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9+\-]*")


def named_terms(text: str) -> set[str]:
    """English terms typed with two or more capitals ("SaaS", "EGDI", "B2C") as matching sees
    them (see ``acronyms``): names of things, unlike "wifi" or "vs"."""
    return {term for word in _LATIN_WORD.findall(text) if sum(map(str.isupper, word)) >= 2
            for term in acronyms(word)}


def to_simplified(text: str) -> str:
    """Traditional characters as simplified ("什麼是電子政務" → "什么是电子政务"); simplified text is
    left as it is. Students with a traditional-character keyboard ask the same notes."""
    return _T2S.convert(text)


def normalize(text: str) -> str:
    """Simplified, width-folded, lower-cased form for matching (never shown).

    Acronym links are unified, so "G2C", "G-C" and "GC" match (the English "2" = "to").
    """
    return _ACRONYM_LINK.sub("", to_simplified(unicodedata.normalize("NFKC", text)).lower())


@lru_cache(maxsize=4096)
def _cut(text: str, guess_new_words: bool) -> tuple[str, ...]:
    return tuple(jieba.lcut_for_search(text, HMM=guess_new_words))


def keywords(text: str, guess_new_words: bool = True) -> list[str]:
    """Search-mode jieba tokens without punctuation or stopwords.

    Adjacent ASCII words are also joined ("extra net" → "extranet"): scraped notes put stray
    spaces inside English words, and a student types the word whole. ``guess_new_words`` is
    jieba's HMM, which joins characters outside its dictionary into words.
    """
    normal = _ENGLISH_S.sub("", normalize(text))
    stop = _stopwords(text)
    words = [t for t in _cut(normal, guess_new_words) if _WORD.search(t) and t.strip() and t not in stop]
    return words + [m.group(1) + m.group(2) for m in _ASCII_PAIR.finditer(normal)
                    if m.group(1) not in stop and m.group(2) not in stop]


# An instruction in front of the topic: an exam paper's ("名词解释：电子政务", "三、简述…",
# "论述题：…", "判断题：…") or a polite request ("请介绍一下…", "请说明…", "简单介绍一下…").
_INSTRUCTION = re.compile(
    r"^\s*(?:[一二三四五六七八九十\d]+\s*[、.．]\s*)?"
    r"(名词解释|简答题|论述题|问答题|分析题|思考题|案例分析题|案例分析|判断题|填空题|填空|选择题|单选题|多选题"
    r"|简答|简述|试述|论述|阐述|概述|简析|试析"
    r"|(?:请|麻烦你?)(?:简单|简要|详细)?地?(?:介绍|讲讲|说说|谈谈|解释|说明|讲|说|谈)(?:一下)?"
    r"|(?:简单|简要)?地?(?:介绍|讲讲|说说|谈谈|解释)一下"
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
    while (match := _INSTRUCTION.match(text)) and text[match.end():].strip():
        definition = definition or match.group(1) == "名词解释"
        text = text[match.end():].strip()
    return f"什么是{text.rstrip('。.？?')}？" if definition else text


_QUESTION_MORPHEMES = ("哪", "几", "什么", "啥", "怎", "吗", "呢", "么", "多少")
# A number and its measure word ("哪四个", "三种", "两条"): how many, never what about.
_COUNTED = re.compile(r"[\d一二三四五六七八九十两]+[个种类条点项步层次方面]?")


def query_bigrams(text: str) -> list[str]:
    """A question's bigrams without the ones that only carry its form ("什么", "哪些", "是什")."""
    return sorted(g for g in bigrams(text)
                  if g not in STOPWORDS and not any(m in g for m in _QUESTION_MORPHEMES))


def content_words(text: str, guess_new_words: bool = False) -> list[str]:
    """Distinct words of two or more characters that carry the topic, not the question form.

    Dictionary words (and English terms) unless ``guess_new_words``: jieba's HMM guesses at spoken
    phrasing are mostly not words ("评估政府绩效时要设" → "时要", "干得好不好" → "干得").
    """
    words = {w for w in keywords(text, guess_new_words) if len(w) >= 2 and not _COUNTED.fullmatch(w)}
    return sorted(w for w in words if not any(m in w for m in _QUESTION_MORPHEMES))


_AND = str.maketrans("和跟同及", "与与与与")  # "政府跟企业" = the notes' "政府与企业"


def bigrams(text: str) -> set[str]:
    """Bigrams of the text's CJK characters (everything else skipped): robust to segmentation
    differences, a typo in one character and a scrape's stray spaces."""
    chars = "".join(_CJK.findall(normalize(text))).translate(_AND)
    return {chars[i:i + 2] for i in range(len(chars) - 1)}


_MATERIAL_CHARS = 40  # a case question's material runs longer than any question of one topic


def asked_part(text: str) -> str:
    """What a case question asks, without its material: the last sentence when it asks something
    and follows at least ``_MATERIAL_CHARS`` characters of other text ("某市推行“一网通办”……请分析该市
    的做法体现了电子政务的哪些功能？" → the last sentence); else the whole text."""
    parts = sentences(text)
    last = parts[-1] if parts else ""
    plain = as_plain_question(last)  # "请结合材料回答：名词解释：X" asks too
    asks = plain != last or "？" in last or "?" in last or any(m in last for m in _QUESTION_MORPHEMES)
    before = len(text) - len(last)
    return plain if len(parts) > 1 and asks and before >= _MATERIAL_CHARS else text


def sentences(text: str) -> list[str]:
    """Split at Chinese sentence ends and line breaks, keeping the notes' characters."""
    return [s for s in (m.group().strip() for m in _SENTENCE.finditer(text)) if s]
