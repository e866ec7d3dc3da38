"""Language data in one place: numerals, what notes call their levels, and the word lists that
reading notes and questions relies on.

Everything here is generic Chinese (and the English scaffolding of questions): words any course's
notes or any student uses, never a course's own terms. Modules build their patterns from these
lists instead of retyping them.
"""

from __future__ import annotations

from collections.abc import Iterable

from bm25s.stopwords import STOPWORDS_EN_PLUS

# --- numerals ---------------------------------------------------------------------------------

CN_DIGITS = "零一二三四五六七八九"
CN_SMALL = "一二三四五六七八九十"  # the numerals of 一、… 十二、, （一）, 第三点
CN_NUMERAL = "零〇一二两三四五六七八九十百"  # any Chinese number a heading or question writes
_CN_VALUES = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def parse_number(text: str) -> int:
    """'12' → 12, '三' → 3, '十二' → 12, '二十' → 20."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for char in text:
        if char == "百":
            total += max(current, 1) * 100
            current = 0
        elif char == "十":
            total += max(current, 1) * 10
            current = 0
        elif char in _CN_VALUES:
            current = _CN_VALUES[char]
        else:
            raise ValueError(f"not a number: {text!r}")
    return total + current


def chinese_numeral(n: int) -> str:
    """1 → 一, 12 → 十二, 25 → 二十五 (chapter numbers in labels); from 100 on, digits (a student's
    "第100章" is no chapter of any notes, and reads as typed)."""
    if n >= 100:
        return str(n)
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else CN_DIGITS[tens]
    return head + "十" + (CN_DIGITS[ones] if ones else "")


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of the words, in the order given (the first that fits wins); a word may
    mark an optional last letter with "?" ("thanks?")."""
    return "|".join(words)


# --- what notes call their levels ---------------------------------------------------------------

CHAPTER_WORD = r"(?:章|讲|单元)"  # 第三章, in lecture notes 第三讲 / 第三单元
PART_WORD = r"(?:部分|篇)"  # the top level of notes without any of those: 第一部分, 第一篇
TOPIC_WORD = r"(?:考点|知识点)"  # a point named by what it is for the exam: 考点1, 知识点二
# What a question calls a point of a chapter ("第5点", "第五个知识点", "第2条").
POINT_WORDS = ("知识点", "要点", "考点", "点", "条", "部分", "节")
ORDINAL_MEASURES = "点条个种项步类层"  # "第三点", "最后那个": a place in a list
COUNT_MEASURES = "个种类条点项步层次方面"  # "哪四个", "三种": how many, never what about

# --- English ---------------------------------------------------------------------------------

# English words that carry no topic: NLTK's list (as bm25s ships it) and question scaffolding
# ("What do the notes say about …", "explain ERP please").
ENGLISH_STOPWORDS = frozenset(STOPWORDS_EN_PLUS) | frozenset(
    "whats could would might must shall may can also like etc explain please tell mean means meaning "
    "note notes say says said list describe name named according per give talk talks mention "
    "mentioned e g ie eg one ones thing things someone something".split()
)
# Abbreviations students type for words the dictionary writes out.
ENGLISH_ABBREVIATIONS = {
    "gov": "government",
    "govt": "government",
    "e-gov": "e-government",
    "egov": "e-government",
    "info": "information",
    "admin": "administration",
    "mgmt": "management",
    "dept": "department",
    "org": "organization",
}

# --- the words of a question that carry no topic ----------------------------------------------------

STOPWORDS = (
    frozenset(
        "的 了 是 在 和 与 及 跟 或 也 都 就 还 又 而 被 把 对 从 以 为 之 其 这 那 它 他 她 们 个 些 "
        "吗 呢 吧 啊 呀 嘛 么 什么 哪些 哪个 哪几 哪 几 怎么 怎样 如何 为什么 为啥 啥 多少 是否 "
        "有 有没有 一下 一些 一个 可以 能 会 要 请问 请 说说 讲讲 介绍 具体 主要 一般 分别 包括 "
        "笔记 里 中 上 下 方面 问题 意思 内容 东西 时候 那么 这个 那个 这些 那些 我 我们 你 "
        # the classroom a question is asked in ("老师说的…", "书上怎么定义的")
        "老师 书上 课本 教材 课上 "
        # exam instructions ("简述…", "名词解释：…", "论述题：…结合实际谈谈")
        "简述 论述 试述 阐述 概述 简答 简析 试析 名词解释 名词 解释 论述题 简答题 谈谈 试谈 举例 "
        "举例说明 结合实际 回事 怎么回事".split()
    )
    | ENGLISH_STOPWORDS
)
# Parts of question words: a word holding one asks, it names nothing ("哪些", "几个", "是什").
QUESTION_MORPHEMES = ("哪", "几", "什么", "啥", "怎", "吗", "呢", "么", "多少")
# What a question about a whole chapter or point may say besides its name.
OVERVIEW_WORDS = frozenset(
    "知识 知识点 重点 要点 考点 难点 掌握 把握 需要 大纲 目录 概括 总结 内容 主要内容 部分 涉及 包括 包含 "
    "学习 复习 讲述 讲解".split()
)
# Exam-paper instructions in front of a question ("名词解释：X", "论述题：…"), longest first.
EXAM_INSTRUCTIONS = (
    "名词解释",
    "简答题",
    "论述题",
    "问答题",
    "分析题",
    "思考题",
    "案例分析题",
    "案例分析",
    "判断题",
    "填空题",
    "填空",
    "选择题",
    "单选题",
    "多选题",
    "简答",
    "简述",
    "试述",
    "论述",
    "阐述",
    "概述",
    "简析",
    "试析",
)
EXPLAIN_VERBS = ("介绍", "讲讲", "说说", "谈谈", "解释")  # "请介绍一下…", "简单说说…"

# --- what a question asks about a heading ------------------------------------------------------------

DEFINITION_HEADS = ("含义", "定义", "概念", "内涵")  # a heading "X的含义" says what X is
# Heading words of units that list things: asked about with "有哪些？".
LIST_HEADS = (
    "特征",
    "特点",
    "功能",
    "作用",
    "原则",
    "措施",
    "内容",
    "步骤",
    "类型",
    "分类",
    "方法",
    "方式",
    "问题",
    "要点",
    "对策",
    "趋势",
    "任务",
    "结构",
    "层次",
)
_DIFFERENCE = ("区别", "不同", "异同")
# How X and Y relate, asked of a heading "X与Y" ("X和Y有什么区别？", "X与Y的关系").
RELATION_WORDS = (*_DIFFERENCE, "联系", "关系", "差别", "差异", "比较")
# A question that compares, so an answer quotes both sides ("X相比Y", "X还是Y", "分别").
COMPARE_WORDS = (*_DIFFERENCE, "相比", "比较", "对比", "还是", "分别", "联系")
# What a point headed "X与Y" covers when asked about as a whole ("X对Y的影响").
PAIR_RELATION_WORDS = frozenset({"影响", "作用", "关系", "联系"})
ASPECT_JOINS = ("及其", "以及", "及", "和", "与", "跟", "、")  # "X的含义及其特征"
AND_WORDS = "和跟同及"  # "政府跟企业" = the notes' "政府与企业"

# Question words (regular expressions) that ask for a fact of a kind (``questions.facts``).
FACT_QUESTIONS = {
    "year": ("哪一年", "哪年", "什么时候", "何时", "哪个年代", "哪一天", "什么时间", r"\b(?:what|which) year\b"),
    "number": ("多少", "几成", "百分之几", r"\bhow (?:many|much)\b"),
    "person": ("谁提出", "谁最早", "哪位", r"\bwho (?:proposed|first)\b"),
    "place": ("哪[个些几]*个?(?:国家|城市|省)", "什么地方", "在哪里", r"\bwhich (?:country|countries|city)\b"),
}

# --- conversation -------------------------------------------------------------------------------

GREETINGS = (
    "你好",
    "您好",
    "嗨",
    "哈喽",
    "hi",
    "hello",
    "hey",
    "早上好",
    "下午好",
    "晚上好",
    "在吗",
    "你是谁",
    "你是什么",
    "你叫什么",
    "你能做什么",
    "你会什么",
    "你能干什么",
    "你有什么用",
    "怎么用",
    "怎么使用",
    "如何使用",
)
THANKS = ("谢谢", "多谢", "感谢", "谢了", "thanks?", "thank you", "好的", "明白了", "懂了")  # "thanks?": a pattern
# "还有呢？", "其他的呢？", "继续": more on the earlier question than was shown.
MORE_WORDS = (
    "还有别的",
    "还有其他",
    "还有其它",
    "还有",
    "另外",
    "其他",
    "其它",
    "别的",
    "继续说?",
    "接着说",
    "再说说",
    "再多说点",
)
# Words that point back into the conversation: pronouns, demonstratives and bare continuations.
ANAPHORA = (
    "它",
    "它们",
    "这个",
    "那个",
    "这些",
    "那些",
    "这一",
    "那一",
    "这种",
    "那种",
    "这样",
    "那样",
    "其中",
    "其",
    "该",
    "上述",
    "前者",
    "后者",
    "两者",
    "二者",
    "此",
    "这",
    "那",
)
# Openings that ask inside what was asked before ("为什么", "里面的A代表什么").
CONTINUATIONS = ("为什么", "为啥", "怎么说", "具体", "举例", "比如", "里面", "里头", "当中")
PRONOUNS = ("它们", "它", "这个", "那个")  # what a later question's "它" stands for is replaced
# Words that, as the subject a question opens with, stand for something said before ("它有哪些特点").
SUBJECT_PRONOUNS = (*PRONOUNS, *"这些 那些 这种 那种 其中 上述 前者 后者 两者 二者 此".split())

# --- the display form of scraped notes ----------------------------------------------------------------

# A quote that lost its closing mark is closed before the word that links it to the next quoted
# term ("如何理解“统一的网络管理就是“网络资源集中”" → "“统一的网络管理”就是“网络资源集中”").
QUOTE_LINKS = ("就是", "即是", "也是", "是", "即", "为", "和", "与", "或", "及", "、")
# What a count that announces a list is counted in ("三种网络", "4个功能", "三大服务").
LIST_MEASURES = ("个", "种", "类", "条", "点", "项", "步", "层", "大", "方面")

# --- headings in notes -------------------------------------------------------------------------------

# A title never ends on a word that joins it to what follows.
DANGLING_WORDS = frozenset(
    "的 与 和 及 之 或 其 对 在 为 是 就是 把 被 向 从 以 由 于 而 并 关于 对于 "
    "根据 按照 通过 随着 为了 由于 以及 并且 或者 而且".split()
)
DANGLING_CHARS = tuple("、“‘「『（(《[【-—/")
# Nor does a body begin with a word that continues a phrase, or with closing punctuation.
NON_INITIAL = tuple("的与和及、之或并等”’）)》]】，。；：,.;:")
# Words that open a sentence of body text but never end a title.
OPENERS = (
    "从",
    "以",
    "按",
    "按照",
    "根据",
    "依据",
    "依照",
    "通过",
    "由于",
    "随着",
    "为了",
    "目前",
    "当前",
    "现在",
    "如今",
    "当时",
    "近年来",
    "至今",
    "所谓",
    "该",
    "这",
    "这些",
    "这种",
    "此",
    "它",
    "它们",
    "即",
    "是指",
    "指的是",
    "就是指",
    "常见",
    "一般",
    "通常",
    "首先",
    "其中",
)

# --- site furniture of scraped pages ---------------------------------------------------------------

# Two or more of these on a short line: a download site's line, not notes.
SITE_WORDS = (
    "下载",
    "登录",
    "注册",
    "验证码",
    "密码",
    "VIP",
    "会员",
    "版权",
    "免责",
    "侵权",
    "客服",
    "浏览",
    "上传",
    "收藏",
    "扫码",
    "金币",
    "积分",
    "下载券",
    "广告",
    "点击",
    "首页",
    "当前位置",
    "温馨提示",
    "继续阅读",
    "未读",
    "相关文档",
    "推荐",
)

# --- the numbering families of outlines (ingest/candidates.py, ingest/levels.py) ---------------------

ROMAN_NUMERALS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")  # "II." heads a level
ROMAN_CHARACTERS = "ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩⅪⅫ"  # the same as single characters ("Ⅱ、")
LETTER_NUMERALS = "ABCDEFGH"  # "B." heads a level; later letters are rarely outline numbers
