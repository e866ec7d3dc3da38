"""What the browser gets besides Gradio's own page: the style sheet and the small scripts.

Phone first (390 px wide is the size to check): the page scrolls, never a box inside it; the question
box stays at the bottom of the screen; every tap target is at least 44 × 44 px (WCAG 2.5.5). The
scripts run in the page only; they fetch nothing and store nothing outside what Gradio keeps.
"""

from __future__ import annotations

from egov_qa.app.render import OPEN_CLASS  # the class of an answer's 在目录中查看 buttons

# Element ids the scripts and the style sheet share with ui.py.
CHAT_ID = "egov-chat"
ASK_ROW_ID = "egov-ask"
TREE_ID = "egov-tree"
NODE_ID = "egov-node"
OPEN_GO_ID = "egov-open-go"  # the hidden button an answer's 在目录中查看 clicks
# The 自测 tab (practice_tab.py).
PRACTICE_ID = "egov-practice"
PICK_ROW_ID = "egov-pick"
POINT_ID = "egov-point"
CHECK_QUESTION_ID = "egov-check-question"
COURSE_ID = "egov-course"  # the chat's 课程 menu (several courses)
ANSWER_ID = "egov-answer"
CHECK_ID = "egov-check"
RESULT_ID = "egov-check-result"
TALLY_ID = "egov-tally"
REVIEW_ID = "egov-review"
REVIEW_CLASS = "egov-review-point"

TAP = "44px"

CSS = f"""
.egov-sources {{ margin-top: .4em; }}
.egov-sources summary {{ cursor: pointer; font-weight: 600; min-height: {TAP}; line-height: {TAP}; }}
.egov-source {{ margin: .5em 0; }}
.egov-label {{ display: flex; flex-wrap: wrap; align-items: center; gap: .3em .8em; }}
.egov-passage {{ margin: .3em 0 .6em; line-height: 1.7; }}
.egov-passage mark {{ background: #fde68a; color: inherit; padding: 0 .1em; }}
.egov-node-title {{ margin: 0 0 .5em; scroll-margin-top: 8px; }}
button.{OPEN_CLASS} {{
  min-height: {TAP}; min-width: {TAP}; padding: 0 14px; cursor: pointer; font: inherit;
  border: 1px solid var(--button-secondary-border-color); border-radius: var(--button-large-radius);
  background: var(--button-secondary-background-fill); color: var(--button-secondary-text-color);
}}

/* The page scrolls, not the chat: Gradio gives the chat a fixed height and its own scroll box, and
   a scroll box inside a scrolling page is what a phone handles worst. */
.gradio-container {{ overflow-x: clip !important; overflow-y: visible !important; }}
#{CHAT_ID}, #{CHAT_ID} > .wrapper, #{CHAT_ID} .bubble-wrap {{
  height: auto !important; max-height: none !important; overflow: visible !important;
}}
#{CHAT_ID} [data-testid='user'] {{ scroll-margin-top: 8px; }}

/* The question box stays at the bottom of the screen however long the chat is. */
#{ASK_ROW_ID} {{
  position: sticky; bottom: 0; z-index: 20; margin: 0; padding: 8px 0;
  background: var(--body-background-fill); align-items: stretch; flex-wrap: nowrap;
}}
#{ASK_ROW_ID} textarea {{ min-height: {TAP}; }}

/* Tap targets: Gradio's copy icon is 18 px, its tabs and example buttons about 30 px. */
#{CHAT_ID} .icon-button, #{CHAT_ID} button.option {{ min-width: {TAP}; min-height: {TAP}; }}
#{CHAT_ID} .icon-button {{ justify-content: center; }}
#{CHAT_ID} .message-buttons .icon-button-wrapper, #{CHAT_ID} .message-buttons .icon-button {{
  border-color: transparent; background: none; box-shadow: none;
}}
/* The chat's own clear icon would sit over the first question; 新对话 above the chat does its job. */
#{CHAT_ID} .icon-button-wrapper.top-panel {{ display: none; }}
.gradio-container button, .gradio-container [role='tab'] {{ min-height: {TAP}; }}
.gradio-container .gallery-item {{ min-height: {TAP}; }}

/* The notes tree: one entry per line, long titles wrap (with a hanging indent), in its own list. */
#{TREE_ID} .wrap:has(> label) {{
  flex-direction: column; flex-wrap: nowrap; gap: 0; max-height: 70vh; overflow-y: auto;
}}
#{TREE_ID} label {{
  border: none; box-shadow: none; background: none; padding: 2px 6px; min-height: {TAP};
  display: flex; align-items: center; white-space: normal;
}}
#{TREE_ID} label span {{ padding-left: 2em; text-indent: -2em; }}
#{TREE_ID} label:has(input:checked) {{ background: var(--color-accent-soft); font-weight: 600; }}
@media (max-width: 640px) {{
  #{TREE_ID} .wrap:has(> label) {{ max-height: 45vh; }}
}}

/* 自测: the check result (check_render.py) and the tally. */
#{PICK_ROW_ID} {{ align-items: end; }}
#{POINT_ID} input, #{CHECK_QUESTION_ID} textarea, #{COURSE_ID} input {{ min-height: {TAP}; }}
#{POINT_ID} ul.option-list li, #{COURSE_ID} ul.option-list li {{
  min-height: {TAP}; display: flex; align-items: center; white-space: normal;
}}
.egov-check-message {{ margin: .2em 0 .6em; font-weight: 600; line-height: 1.6; }}
.egov-check-feedback {{ margin: 0 0 .6em; line-height: 1.6; }}
.egov-coverage {{ display: flex; align-items: center; gap: .6em; margin: .4em 0; }}
.egov-bar {{ flex: 1; max-width: 16em; height: .6em; border-radius: .3em; background: var(--neutral-200); }}
.egov-bar > span {{ display: block; height: 100%; border-radius: .3em; background: #16a34a; }}
.egov-checklist {{ list-style: none; margin: .4em 0; padding: 0; }}
.egov-item {{ display: flex; gap: .6em; align-items: flex-start; padding: .35em 0; line-height: 1.6; }}
.egov-item .egov-badge {{ flex: none; width: 1.6em; text-align: center; font-weight: 700; }}
.egov-item-body {{ min-width: 0; overflow-wrap: anywhere; }}
.egov-covered .egov-badge {{ color: #15803d; }}
.egov-partly .egov-badge {{ color: #b45309; }}
.egov-missing .egov-badge {{ color: #dc2626; }}
.egov-missing .egov-item-text {{ color: #b91c1c; }}
.egov-match {{ font-size: .92em; color: var(--body-text-color-subdued); }}
.egov-rubric {{
  margin: .8em 0 .2em; padding: .6em .8em; border-radius: 8px; background: var(--background-fill-secondary);
}}
.egov-rubric-title {{ font-weight: 600; margin-bottom: .3em; }}
.egov-rubric-line {{ line-height: 1.8; overflow-wrap: anywhere; }}
.egov-rubric mark.egov-hit {{ background: #bbf7d0; color: inherit; padding: 0 .1em; }}
.egov-rubric mark.egov-part {{ background: #fde68a; color: inherit; padding: 0 .1em; }}
.egov-rubric .egov-miss {{ text-decoration: underline wavy #dc2626; text-underline-offset: 3px; }}
.egov-rubric .egov-miss .egov-badge {{ color: #dc2626; font-weight: 700; margin-right: .15em; }}
.egov-tally {{ line-height: 1.7; }}
#{REVIEW_ID} button.{REVIEW_CLASS} {{
  white-space: normal; text-align: left; justify-content: flex-start; font-weight: normal;
}}
"""

# Run once when the page has loaded (Blocks.launch(js=...)).
PAGE_JS = f"""
() => {{
  // 在目录中查看 inside any answer, earlier ones too. The chat's HTML sanitiser keeps a button's
  // value but not data-* attributes, so the value carries "turn:node key"; the hidden button's
  // event reads it from window.egovOpenValue (ui.py, OPEN_VALUE_JS).
  document.addEventListener("click", (event) => {{
    const button = event.target instanceof Element && event.target.closest("#{CHAT_ID} button.{OPEN_CLASS}");
    if (!button) return;
    event.preventDefault();
    event.stopPropagation();
    window.egovOpenValue = button.value;
    document.getElementById("{OPEN_GO_ID}")?.click();
  }}, true);

  // When a question is added (or a chat restored), its top goes to the top of the screen, so the
  // answer reads from its start while the page scrolls (the chat has no scroll box of its own).
  // It stays there while the answer streams in and the page grows below it, until the reader
  // scrolls or taps.
  let asked = 0;
  let pinned = null;
  let pinnedAt = 0;
  for (const type of ["wheel", "touchstart", "mousedown", "keydown"]) {{
    window.addEventListener(type, () => {{ pinned = null; }}, {{ passive: true, capture: true }});
  }}
  new MutationObserver(() => {{
    const questions = document.querySelectorAll("#{CHAT_ID} [data-testid='user']");
    if (questions.length > asked) {{
      pinned = questions[questions.length - 1];
      pinnedAt = performance.now();
    }}
    asked = questions.length;
    if (!pinned || !pinned.offsetParent || performance.now() - pinnedAt > 20000) return;
    if (Math.abs(pinned.getBoundingClientRect().top - 8) > 2) pinned.scrollIntoView({{ block: "start" }});
  }}).observe(document.body, {{ childList: true, subtree: true, characterData: true }});

  // Show the node just put in the notes view: its tree entry inside the tree's list, and on the
  // screen its title with the highlighted lines or, when they do not fit together, the first
  // highlighted line a quarter down the screen (on a phone the view is below a long tree).
  window.egovReveal = (key) => {{
    const started = performance.now();
    const step = () => {{
      const node = document.querySelector(`#{NODE_ID} .egov-node[data-key="${{CSS.escape(key || "")}}"]`);
      if (!node || !node.offsetParent) {{
        if (performance.now() - started < 5000) requestAnimationFrame(step);
        return;
      }}
      const entry = document.querySelector("#{TREE_ID} input:checked")?.closest("label");
      const list = entry?.parentElement;
      if (list) {{  // moved only when out of the list's sight (not under the finger that chose it)
        const shown = list.getBoundingClientRect();
        const at = entry.getBoundingClientRect();
        const away = at.top < shown.top || at.bottom > shown.bottom;
        if (away) list.scrollTop += at.top - shown.top - list.clientHeight / 3;
      }}
      const title = node.querySelector(".egov-node-title").getBoundingClientRect();
      const mark = node.querySelector("mark");
      const end = mark ? mark.getBoundingClientRect() : title;
      const height = window.innerHeight;
      if (title.top >= 0 && end.bottom <= height) return;  // already on the screen
      if (end.bottom - title.top <= height - 16) window.scrollBy(0, title.top - 8);
      else window.scrollBy(0, mark.getClientRects()[0].top - height / 4);
    }};
    step();
  }};
}}
"""

# The hidden button's event: the value of the 在目录中查看 that was clicked replaces the hidden box's.
OPEN_VALUE_JS = "(value, turns) => [window.egovOpenValue || value || '', turns]"

# After the notes view changed (the tree's value is the node key).
REVEAL_JS = "(key) => { window.egovReveal && window.egovReveal(key); }"

# 导出: the Markdown the server made from this browser's conversation, saved as a file by the browser
# (a blob link; nothing is written on the server).
DOWNLOAD_JS = """
(text) => {
  if (!text) return;
  const pad = (n) => String(n).padStart(2, "0");
  const d = new Date();
  const day = `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}`;
  const stamp = `${day}-${pad(d.getHours())}${pad(d.getMinutes())}`;
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([text], { type: "text/markdown;charset=utf-8" }));
  link.download = `笔记问答-${stamp}.md`;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 60000);
}
"""
