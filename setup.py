"""Copies the bundled example (codebooks/, excerpts/) into the wheel as workbench/_example.

The example lives at the top of the repository, where researchers find it; a wheel must carry it
too, or `workbench example DIR` would work only from a checkout.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithExample(build_py):
    def run(self) -> None:
        super().run()
        root = Path(__file__).parent
        target = Path(self.build_lib) / "workbench" / "_example"
        for folder in ("codebooks", "excerpts"):
            if (root / folder).is_dir():
                shutil.copytree(root / folder, target / folder, dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildWithExample})
