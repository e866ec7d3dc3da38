"""How the chat shows which mode answered (pure rendering; no server)."""

from __future__ import annotations

from egov_qa.app.render import GENERATED, answer_markdown
from egov_qa.models import Answer, Citation

CITED = Citation(chapter=1, point=9, section=None, label="第一章 · 9、电子政务的特征", source="n.txt")


class NoChunks:
    def chunk(self, chunk_id: str):
        return None


def test_a_generated_answer_says_a_model_wrote_it_and_an_extractive_one_does_not() -> None:
    generated = Answer(
        answer="政府信息公开共享。[1]\n\n出处：[1] 第一章 · 9、电子政务的特征",
        refused=False,
        citations=[CITED],
        passages=[],
        ms=1.0,
        mode="generative",
    )
    quoted = generated.model_copy(update={"mode": "extractive"})
    assert GENERATED in answer_markdown(generated, NoChunks(), [], final=False)
    assert GENERATED not in answer_markdown(quoted, NoChunks(), [], final=False)
