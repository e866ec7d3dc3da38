"""`python app.py` starts the chat app (the Gradio convention); same as `egov-qa serve`.

Settings come from the environment (EGOV_QA_HOST, EGOV_QA_PORT, …) and an optional .env.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))  # works without `pip install -e .`

from egov_qa.app.server import serve

if __name__ == "__main__":
    serve()
