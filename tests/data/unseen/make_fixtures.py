"""Regenerate the unseen-course fixtures: <name>_scraped.txt and <name>_outline.json from <name>.md.

Run once by hand (``python tests/data/unseen/make_fixtures.py``); the tests read the files it
writes and never call it. The gold outline is read off the Markdown headings that were written by
hand; the scraped page is the same notes the way a download site shows them: chapter 1's heading
lost, markup gone, headings run straight into their bodies, punctuation width mixed per clause,
stray spaces inside words, a few points written ``N.``, the body cut into numbered page fragments
(``1、`` … ``N、``) mid-sentence, and the site's own boilerplate before, between and after.

``course_pieces``, ``scrape`` and ``scraped_page`` are reused by tests/ingest/numbering_schemes.py,
which scrapes the same courses re-typed in other numbering schemes the same way.
"""

from __future__ import annotations

import itertools
import json
import random
import re
from pathlib import Path

HERE = Path(__file__).parent
_HALF = str.maketrans({"，": ",", "：": ":", "；": ";", "（": "(", "）": ")", "！": "!", "？": "?"})

SITES = {
    "accounting": {
        "seed": 11,
        "dotted": {(3, 2)},
        "before": """文库吧 wenkuba - 专业文档分享平台
首页 > 资格考试 > 会计 > 会计学基础复习提纲.docx
会计学基础复习提纲.docx
页数：9  大小：28KB  所需积分：2
下载本文档须知：
1、本站所有文档均由网友上传分享，文档版权归原作者所有，本站只提供存储空间，如有侵权请联系我们，我们将在第一时间删除；用户上传文档即视为同意本站的用户协议和隐私政策，本站有权对违规文档进行下架处理并扣除相应积分，情节严重的将封禁账号。
2、下载文档需要消耗积分，积分可以通过上传文档、每日签到等方式免费获得，已经下载过的文档再次下载不扣积分；积分一经消耗概不退还，下载失败的请在二十四小时内联系客服补发，逾期不予处理，敬请谅解并相互转告。
3、文档预览为系统自动转换生成，可能与原文档的格式存在一定差异，请以下载后的文档为准，如有疑问请联系在线客服；本站不对文档内容的准确性、完整性和时效性作任何保证，使用者应自行判断并承担相应风险与责任。
立即下载    收藏    举报
""",
        "between": ["—— 广告 —— 会计从业、初级会计职称全套题库 点击免费领取 ——", "扫码关注公众号，每天免费下载一篇文档"],
        "after": """文档下载完整版请点击这里 >>
本文来源：wenkuba.example/doc/88213.html  © 2024 文库吧 版权所有 | 沪ICP备2024000001号
相关推荐：初级会计实务重点归纳.doc  财务会计学课后答案.pdf""",
    },
    "management": {
        "seed": 23,
        "dotted": set(),
        "before": """学习啦文档网 | 首页 | 试题 | 课件 | 论文 | 登录 | 注册
管理学原理期末复习资料.doc
上传者：a***2    上传时间：2023-06-11    浏览次数：562
立即下载（需要3下载券）
会员免费下载 >>
""",
        "between": ["本页内容为部分预览，下载完整文档请点击上方下载按钮"],
        "after": """ 展开阅读全文 
下载本文档需要3下载券，VIP会员免费
© 学习啦文档网  联系邮箱：service@xuexila.example
""",
    },
    "network": {
        "seed": 37,
        "dotted": {(2, 4)},
        "before": """道远文档 DaoYuan Docs
当前位置：首页 > IT/计算机 > 计算机网络复习重点
计算机网络复习重点
共6页 | 下载量：1,031 | 文档评分：4.5
""",
        "between": ["第 {page} 页 / 共 6 页", "—— 本文档由道远文档用户上传 ——"],
        "after": """您还未登录，登录后可查看全部内容    立即登录
猜你喜欢：计算机网络谢希仁第七版答案.pdf | 数据通信原理复习题.doc
友情链接：www.daoyuan.example | 帮助中心 | 免责声明
""",
    },
    "admin_law": {
        "seed": 41,
        "dotted": {(1, 3), (3, 2)},
        "before": """法考资料网 —— 法律人的学习园地
您现在的位置：首页 › 复习资料 › 行政法
行政法与行政诉讼法复习要点（整理版）
发布时间：2022-11-03  来源：网友投稿  阅读：2,417
温馨提示：本资料仅供学习交流，请勿用于商业用途。
""",
        "between": ["【推荐】2024法考主观题冲刺班火热报名中，点击了解 >>", "【广告】考前押题卷限时下载 >>"],
        "after": """（全文完）
上一篇：民法总论复习要点    下一篇：刑法分则重点罪名整理
版权所有 © 法考资料网 | 客服QQ：10001 | http://fakao.example
""",
    },
    "marketing": {
        "seed": 53,
        "dotted": set(),
        "before": """课件之家 · 免费课件下载
市场营销学期末复习笔记
文件大小：19KB | 文件类型：doc | 下载积分：0
点击下载 | 加入收藏 | 报告错误
""",
        "between": ["课件之家提醒：内容过长已自动分页显示"],
        "after": """——— 完 ———
下载地址：http://kejianzhijia.example/down/2231.html
本站部分资源来自网络，如有侵权请联系删除。
""",
    },
}


def gold_outline(md: str) -> dict:
    chapters: list[dict] = []
    for line in md.splitlines():
        if m := re.match(r"^# 第(.+?)章 (.+)$", line):
            chapters.append({"chapter": len(chapters) + 1, "title": m.group(2), "points": []})
        elif m := re.match(r"^## (\d+|[一二三四五六七八九十]+)、(.+)$", line):
            n = m.group(1)
            num = int(n) if n.isdigit() else "一二三四五六七八九十".index(n) + 1
            chapters[-1]["points"].append({"point": num, "title": m.group(2)})
        elif m := re.match(r"^### (\d+\.\d+\.\d+) (.+)$", line):
            chapters[-1]["points"][-1].setdefault("sections", []).append(
                {"section": m.group(1), "title": m.group(2)})
    return {"source": "hand-written Markdown headings", "chapters": chapters}


def _noise(text: str, rng: random.Random, rate: float) -> str:
    """Stray spaces between two CJK characters, roughly ``rate`` per character."""
    out = []
    for i, ch in enumerate(text):
        out.append(ch)
        nxt = text[i + 1:i + 2]
        if "\u4e00" <= ch <= "\u9fff" and "\u4e00" <= nxt <= "\u9fff" and rng.random() < rate:
            out.append(rng.choice([" ", "  "]))
    return "".join(out)


def _mix_width(text: str, rng: random.Random) -> str:
    """Each clause keeps or loses its full-width punctuation, as when notes are pasted together."""
    parts = re.split(r"(?<=[。；;])", text)
    return "".join(p.translate(_HALF) if rng.random() < 0.4 else p for p in parts)


def course_pieces(md: str, dotted: set) -> list[tuple[str, str, str]]:
    """The Markdown course as (kind, marker, title) headings and ("body", "", text) lines, in order;
    a point in ``dotted`` ((chapter, point) pairs) is written ``N.`` instead of ``N、``."""
    pieces: list[tuple[str, str, str]] = []
    chapter = 0
    for line in md.splitlines():
        line = line.strip()
        if not line:
            continue
        if m := re.match(r"^# (第.+?章) (.+)$", line):
            chapter += 1
            pieces.append(("chapter", m.group(1), m.group(2)))
        elif m := re.match(r"^## (\d+|[一二三四五六七八九十]+)、(.+)$", line):
            point = int(m.group(1)) if m.group(1).isdigit() else None
            sep = "." if (chapter, point) in dotted else "、"
            pieces.append(("point", m.group(1) + sep, m.group(2)))
        elif m := re.match(r"^### (\S+) (.+)$", line):
            pieces.append(("section", m.group(1), m.group(2)))
        else:
            pieces.append(("body", "", re.sub(r"^- ", "", line)))
    return pieces


def scrape(pieces: list[tuple[str, str, str]], rng: random.Random) -> str:
    """Notes (``course_pieces``' form) the way a download site shows them: the first chapter
    heading lost, markup gone, headings run straight into their bodies, punctuation width mixed per
    clause and stray spaces inside words. Any numbering scheme can be scraped this way."""
    out: list[str] = []
    first_chapter = True
    for kind, marker, text in pieces:
        if kind == "chapter":
            if not first_chapter:
                out.append(marker + rng.choice(["", " "]) + text)
            first_chapter = False
        elif kind == "point":
            out.append(marker + _noise(text, rng, 0.12) + rng.choice(["", "", " "]))
        elif kind == "section":
            out.append(marker + rng.choice(["", " "]) + _noise(text, rng, 0.12) + rng.choice(["", " "]))
        else:
            out.append(_noise(_mix_width(text, rng), rng, 0.025) + rng.choice(["", " "]))
    return "".join(out)


def scraped_body(md: str, dotted: set, rng: random.Random) -> str:
    return scrape(course_pieces(md, dotted), rng)


def fragments(body: str, rng: random.Random) -> list[str]:
    """Cut the body into pieces of 220-330 characters; one cut lands right before a point marker."""
    markers = [m.start() for m in re.finditer(r"(?<=[。；;\s])\d、", body)]
    forced = rng.choice(markers[len(markers) // 3:]) if markers else None
    cuts, pos = [], 0
    while len(body) - pos > 330:
        step = rng.randint(220, 330)
        if forced is not None and pos < forced <= pos + step and forced - pos >= 150:
            step = forced - pos
        pos += step
        cuts.append(pos)
    bounds = [0, *cuts, len(body)]
    return [body[a:b] for a, b in itertools.pairwise(bounds)]


def scraped_page(body: str, site: dict, rng: random.Random) -> str:
    """The scraped body as a site's page: its boilerplate, then the page fragments numbered
    ``1、`` … with a line of the site's between every third, then its footer."""
    lines = [site["before"].rstrip("\n"), ""]
    for i, fragment in enumerate(fragments(body, rng), 1):
        lines += [f"{i}、{fragment}", ""]
        if i % 3 == 0 and site["between"]:
            lines += [rng.choice(site["between"]).format(page=i // 3 + 1), ""]
    lines.append(site["after"].rstrip("\n"))
    return "\n".join(lines) + "\n"


def main() -> None:
    for name, site in SITES.items():
        md = (HERE / f"{name}.md").read_text(encoding="utf-8")
        rng = random.Random(site["seed"])
        body = scraped_body(md, site["dotted"], rng)
        (HERE / f"{name}_scraped.txt").write_text(scraped_page(body, site, rng), encoding="utf-8")
        gold = gold_outline(md)
        (HERE / f"{name}_outline.json").write_text(json.dumps(gold, ensure_ascii=False, indent=1) + "\n",
                                                   encoding="utf-8")


if __name__ == "__main__":
    main()
