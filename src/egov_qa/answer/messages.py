"""Every message the engine says in its own words (Chinese, shown to students)."""

REFUSAL = "抱歉，笔记中没有涉及这个问题的内容，无法根据笔记回答。可以换个说法，或问笔记里讲到的知识点。"
EMPTY_QUESTION = "请输入一个问题。"
TOO_LONG = "问题太长了（超过 {limit} 字），请精简后再问。"
# … and their English halves, for the teacher at the command line (``questions.typed``)
EMPTY_QUESTION_EN = "the question is empty"
TOO_LONG_EN = "the question has {length} characters, more than {limit} (EGOV_QA_MAX_QUESTION_CHARS)"
NO_CHAPTER = "笔记里没有{asked}。笔记包括：{chapters}。"
NO_SECTION = "笔记里没有编号为 {section} 的一节。"
NO_POINT = "笔记的{chapter}没有第{point}点（它的要点编号为 {numbers}）。可以问“{chapter}讲了什么？”看它的全部要点。"
UNDERSTOOD_AS = "（按笔记用词理解为：{question}）"
NOTES_WORDING = "（笔记里的说法是「{heading}」）"
MORE_LEAD = "关于「{earlier}」，笔记里还讲到："
NO_MORE = "关于「{earlier}」，笔记里没有更多相关内容了。"
SUGGESTIONS_LEAD = "笔记里相近的内容，可以这样问："
NO_TOPIC = "这句话要接着前面的问题才能理解。请把问题说完整，例如：{example}"
SMALL_TALK = {
    "greeting": "你好！我是这门课的笔记问答助手：根据课程笔记回答问题，并注明出自哪一章哪一点，"
    "点开出处就能核对笔记原文。可以这样问：{example}",
    "thanks": "好的！还有问题可以接着问，例如：{example}",
}
FALLBACK_EXAMPLE = "第一章讲了什么？"  # the example question when the notes give none

# Check my answer (``check``)
CHECK_NO_QUESTION = "请先输入题目，或在“自测”里选一个要点出题。"
CHECK_NO_ANSWER = "还没有写答案：先写下你的答案，再和笔记对照。下面是笔记的要点。"
CHECK_TOO_LONG = "答案太长了（超过 {limit} 字），请精简后再检查。"
CHECK_NOT_COVERED = "笔记里没有这道题的内容，无法对照笔记检查答案。"
CHECK_SUMMARY = (
    "对照笔记「{label}」的 {total} 个要点：写到 {covered} 个，写到一部分 {partly} 个，"
    "没写到 {missing} 个（覆盖 {percent}%）。"
)
CHECK_ELSEWHERE = "你的答案更像是在回答「{label}」。"

# Generative answers (``generate``)
LLM_FALLBACK = "模型没有给出回答：{reason}；以下是笔记原文摘录"
LLM_NO_SUPPORT = "模型的回答在笔记里找不到依据；以下是笔记原文摘录"
WARM_UP = "这门课讲了什么？"  # asked by the server itself before a new index build serves students

# When answering fails inside the app (the traceback goes to the server log, never to the page)
APP_ERROR = "抱歉，回答时出错了，请再试一次或换个问法。如果一直出错，请告诉老师。"

# The index lives on a Chroma server that does not answer (``index.remote``); the next question tries again
INDEX_UNAVAILABLE = "抱歉，笔记索引服务器暂时连不上，现在没法查笔记。请稍等一会儿再问一次；如果一直这样，请告诉老师。"
