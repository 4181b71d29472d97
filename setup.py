"""Carry the top-level corpus/, schema.yaml and metadata.json into the wheel.

They live at the repository root because people edit and review them there;
the wheel needs them as package data so that `hubkb serve` works from any folder.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).parent
SHIPPED = ["corpus", "schema.yaml", "metadata.json"]


class BuildWithDefaults(build_py):
    def run(self):
        super().run()
        target = Path(self.build_lib) / "hubkb" / "data"
        for name in SHIPPED:
            source = ROOT / name
            if source.is_dir():
                shutil.copytree(source, target / name, dirs_exist_ok=True)
            elif source.exists():
                target.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target / name)


setup(cmdclass={"build_py": BuildWithDefaults})
