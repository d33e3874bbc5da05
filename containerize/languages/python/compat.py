"""Old pins that no longer install as they once did: a requirement pinned to a release made before one of its
own dependencies broke it (Flask 2.0 imports ``url_quote``, which Werkzeug 3 removed; Flask 1.1 imports
``Markup`` from Jinja2, gone in 3.1; environs 7 reads ``marshmallow.__version__``, gone in marshmallow 4). The
dependency is left unpinned by the old release, so a build today resolves the new one and the app fails on
import. The fix a person would make: cap that dependency below the release that broke it, in the same pip run.

Only for a requirement pinned (``==``, or ``<=``) inside the broken range, and only when the project
doesn't pin the dependency itself; never with hash-checked requirements (every package is pinned there)."""
from __future__ import annotations

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

# (package, its releases that break, the caps they need, why)
BREAKS: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    ("flask", "<2.0", ("werkzeug<2.0", "jinja2<3.0", "itsdangerous<2.0", "click<8.0", "markupsafe<2.1"),
     "Flask 1.x imports names that Werkzeug 2, Jinja2 3.1, itsdangerous 2.1 and MarkupSafe 2.1 removed"),
    ("flask", ">=2.0,<2.1", ("werkzeug<2.1",), "Flask 2.0 was made for Werkzeug 2.0"),
    ("flask", ">=2.1,<2.3", ("werkzeug<3",), "Flask before 2.3 imports werkzeug.urls.url_quote, removed in Werkzeug 3"),
    ("jinja2", "<3.0", ("markupsafe<2.1",), "Jinja2 2.x imports markupsafe.soft_unicode, removed in MarkupSafe 2.1"),
    ("environs", "<14.2", ("marshmallow<4",), "environs before 14.2 reads marshmallow.__version__, removed in "
                                               "marshmallow 4"),
    ("flask-sqlalchemy", "<3.0.3", ("sqlalchemy<2.0",), "Flask-SQLAlchemy before 3.0.3 does not work with "
                                                        "SQLAlchemy 2"),
)


def _newest(spec: str) -> Version | None:
    """The newest release a requirement's specifier allows when it pins one: ``==2.0.1`` -> 2.0.1,
    ``<=1.1.2`` -> 1.1.2, ``==2.0.*`` -> 2.0 (its series); None when it allows the newest."""
    try:
        specs = SpecifierSet(spec)
    except InvalidSpecifier:
        return None
    top = None
    for s in specs:
        if s.operator not in ("==", "===", "<="):
            continue
        try:
            version = Version(s.version[:-2] if s.version.endswith(".*") else s.version)
        except InvalidVersion:
            continue
        top = version if top is None or version < top else top
    return top


def caps(pins: dict[str, str]) -> list[tuple[str, str, str, str]]:
    """(the cap to install with, the package pinned, its specifier, why) for every old pin in ``pins``
    (normalized name -> its specifier text), leaving out the dependencies the project pins itself."""
    found: list[tuple[str, str, str, str]] = []
    for package, broken, needs, why in BREAKS:
        spec = pins.get(package)
        newest = _newest(spec) if spec else None
        if newest is None or newest not in SpecifierSet(broken):
            continue
        for cap in needs:
            name = cap.split("<", 1)[0]
            if name not in pins and not any(c[0] == cap for c in found):
                found.append((cap, package, spec, why))
    return found
