"""Write the README's rule table from the rule catalogue (health_eval/rule_catalogue).

The table stands between ``<!-- rules:start -->`` and ``<!-- rules:end -->`` in README.md;
``tests/test_rule_catalogue.py`` keeps it equal to the catalogue. Run after changing a rule:

    python tools/readme_rules.py
"""

from __future__ import annotations

import re
from pathlib import Path

from health_eval.rule_catalogue import markdown_table

README = Path(__file__).resolve().parents[1] / "README.md"
START, END = "<!-- rules:start -->", "<!-- rules:end -->"
REGION = re.compile(re.escape(START) + r"\n.*?" + re.escape(END), re.DOTALL)


def with_rules(text: str) -> str:
    """``text`` (the README) with its rule region holding the catalogue's table."""
    if len(REGION.findall(text)) != 1:
        raise SystemExit(f"README.md must hold one {START} … {END} region")
    return REGION.sub(lambda _: f"{START}\n{markdown_table()}{END}", text)


def main() -> None:
    README.write_text(with_rules(README.read_text(encoding="utf-8")), encoding="utf-8")


if __name__ == "__main__":
    main()
