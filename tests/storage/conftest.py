import pytest

from tests.conftest import run_cli

HEADER = "地区,年份,期间,\"地区生产总值(现价,亿元)\",地区生产总值指数(上年同期=100),能源消费总量(万吨标准煤)"


@pytest.fixture
def db(database_url):
    """An initialised database (migrations run, built-in plan loaded); its URL."""
    result = run_cli("init", "--json", env={"ECER_DATABASE_URL": database_url})
    assert result.exit_code == 0, result.stderr
    return database_url


def write_csv(path, lines, encoding="utf-8"):
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding=encoding)
    return path
