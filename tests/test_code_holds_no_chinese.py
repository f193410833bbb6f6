"""Language knowledge lives in lexicons/, not in Python.

Every string constant in src/zhtargets (f-string pieces and regular
expressions included) is read with ``ast``; one holding a Han character
outside a docstring is a Chinese word or pattern that belongs in a lexicon
file a linguist can edit, unless it is listed in ``ALLOWED`` with the reason
it is not language knowledge.  Comments are not constants and are free to
quote Chinese.  Full-width punctuation (，。、) is typography, not
vocabulary, and is not looked for.
"""
from __future__ import annotations

import ast
from pathlib import Path

import regex

SOURCE = Path(__file__).resolve().parents[1] / "src" / "zhtargets"
HAN = regex.compile(r"\p{Han}")

# (file, a piece of the constant) -> why the constant is not language knowledge.
ALLOWED = {
    ("_io.py", "\u4e00-\u9fff"):
        "Unicode ranges that tell text from binary data, not words",
    ("cli.py", "1-9月, 上半年"):
        "--help text, quoting the input an option takes",
    ("cli.py", "a 左右 rate target"):
        "--help text, naming the word an option is about",
    ("evaluate.py", "元"):
        "a verbatim mirror of the reference scorer's unit aliases, so that "
        "`zhtargets eval` compares units exactly as the scorer does",
    ("link.py", "(预计)"):
        "Link.detail is evidence in English that glosses the Chinese term",
    ("link.py", "(序时进度)"):
        "Link.detail is evidence in English that glosses the Chinese term",
    ("numerals.py", "after 点 in"):
        "an error message naming the character it is about",
}


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def chinese_constants(path: Path) -> list[tuple[int, str]]:
    """(line, value) of each string constant in ``path`` that holds a Han
    character, docstrings left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = _docstrings(tree)
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and id(node) not in docs and HAN.search(node.value)]


def _allowed(name: str, value: str) -> bool:
    return any(name == file and piece in value for file, piece in ALLOWED)


def test_no_chinese_words_or_patterns_in_python():
    found = [f"{path.relative_to(SOURCE)}:{line}: {value[:60]!r}"
             for path in sorted(SOURCE.rglob("*.py"))
             for line, value in chinese_constants(path)
             if not _allowed(path.name, value)]
    assert not found, "move these to lexicons/ (or allow them here, saying why):\n" + \
        "\n".join(found)


def test_every_allowance_is_still_needed():
    # An entry whose constant has gone would let a new one through unseen.
    for file, piece in ALLOWED:
        values = [value for _, value in chinese_constants(SOURCE / file)]
        assert any(piece in value for value in values), (file, piece)


def test_the_scan_sees_patterns_and_f_strings_but_not_docstrings(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text('"""模块说明。"""\n'
                      'import regex\n'
                      'UNIT = regex.compile(r"\\d+(?:万元|亿元)")\n'
                      'def f(n):\n'
                      '    """函数说明。"""\n'
                      '    # 注释不是常量\n'
                      '    return f"{n}个"\n', encoding="utf-8")
    assert [line for line, _ in chinese_constants(sample)] == [3, 7]
