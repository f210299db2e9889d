"""The examples of docs/python-api.md and README.md run, in order, as a reader would run them: in a
folder where `workbench example peer-support` made the bundled project."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def _blocks(page: str) -> list[str]:
    return BLOCK.findall((REPO / page).read_text(encoding="utf-8"))


@pytest.mark.parametrize("page", ["docs/python-api.md", "README.md"])
def test_the_examples_run(page: str, run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    blocks = _blocks(page)
    assert blocks, f"{page} has no python examples"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PYTHONPATH", str(REPO))  # the examples' subprocesses run this checkout
    assert run("example", "peer-support").exit_code == 0
    namespace: dict[str, object] = {"__name__": "__main__"}
    for i, code in enumerate(blocks):
        exec(compile(code, f"{page} python block {i + 1}", "exec"), namespace)  # noqa: S102 — our own docs
    if page.startswith("docs/"):
        picture = tmp_path / "sources-per-theme.png"
        assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and picture.stat().st_size > 5_000
