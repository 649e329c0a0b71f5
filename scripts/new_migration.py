"""Write a new Alembic migration from the models: ``.venv/bin/python scripts/new_migration.py "message"``.

Upgrades a scratch SQLite database to head, autogenerates against it, and names the file
``YYYY-MM-DD_NNNN_slug.py`` with the next four-digit revision id, so revisions stay one chain.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alembic import command

from ecer.storage.db import alembic_config, head_revision, upgrade


def main(message: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'scratch.sqlite3'}"
        upgrade(url)
        config = alembic_config(url)
        config.set_main_option("file_template", "%%(year)d-%%(month).2d-%%(day).2d_%%(rev)s_%%(slug)s")
        next_id = f"{int(head_revision()) + 1:04d}"
        command.revision(config, message=message, autogenerate=True, rev_id=next_id)


if __name__ == "__main__":
    main(" ".join(sys.argv[1:]) or "change")
