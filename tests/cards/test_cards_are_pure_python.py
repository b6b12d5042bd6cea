"""vssid.cards must work without Django: the rules are used by workers, scripts and property tests,
and a Django import here would drag settings into every one of them."""
import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import vssid.cards

CARDS_DIR = Path(vssid.cards.__file__).parent


def card_modules() -> list[str]:
    return sorted(f"vssid.cards.{module.name}" for module in pkgutil.iter_modules([str(CARDS_DIR)]))


def test_the_package_has_the_modules_other_packages_rely_on():
    expected = {"errors", "messages", "text", "names", "bhxh", "identity", "dates", "phones", "emails",
                "qr", "cccd_qr", "bhyt_qr", "synthetic"}
    assert {name.rsplit(".", 1)[1] for name in card_modules()} >= expected


def test_no_card_module_imports_django_in_its_source():
    offenders = []
    for path in CARDS_DIR.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            offenders += [f"{path.name}: {name}" for name in names if name.split(".")[0] in ("django", "ninja")]
    assert offenders == []


def test_importing_every_card_module_loads_no_django():
    program = (
        "import importlib, sys\n"
        f"for name in {card_modules()!r}: importlib.import_module(name)\n"
        "loaded = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(len(loaded)); assert not loaded, loaded\n"
    )
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, env={"PATH": ""})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "0"
