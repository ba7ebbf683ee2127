"""What the bot says, per language, from flows/content/<lang>.yaml.

en.yaml is the source: every other language must have exactly its keys, and each text the
same {placeholders} as the English one. The checks run at load, so a translation with a
missing text, a lost helpline number or an emergency text without 112 never reaches a
person; the error names the file and key to fix.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

import yaml

from flows.resources import Resources, display_path, load_resources
from nlu.types import DEFAULT_LANGUAGE, RTL_LANGUAGES, SUPPORTED_LANGUAGES

DEFAULT_CONTENT_DIR: Final = Path(__file__).with_name("content")
SOURCE_LANGUAGE: Final = "en"
YOUNG_PREFIX: Final = "young."
REVIEW_STATES: Final = ("pending", "reviewed")
# Languages whose files are written, not translated: no machine-translation header needed.
ORIGINAL_LANGUAGES: Final = frozenset({"en", "sv"})

# Filled with "Name, number" from flows/resources.yaml. 112 is written out, never a placeholder.
HELPLINE_PLACEHOLDERS: Final = frozenset({
    "kvinnofridslinjen", "bris", "polisen", "brottsofferjouren", "sjalvmordslinjen",
    "vardguiden", "ratt_att_valja", "terrafem", "valj_att_sluta",
    "social_services", "social_emergency", "womens_shelter",
})
# Filled by the engine; each only in the keys listed, where the engine knows its value.
VARIABLES: Final[Mapping[str, frozenset[str]]] = MappingProxyType({
    "position": frozenset({
        "human.queued", "human.position_update", "human.queued_place_only", "human.position_update_place_only",
    }),
    "minutes": frozenset({"human.queued", "human.position_update"}),
    "opening": frozenset({"human.no_staff"}),
    "limit": frozenset({"too_long"}),
    "language_name": frozenset({"language_set"}),
})
# Read by someone who may be in danger: each must give the number 112 itself.
MUST_CONTAIN_112: Final = frozenset({
    "emergency", "young.emergency", "suicide_support", "rasa_down", "human.queued",
    "human.no_staff", "human.closed", "location_not_kept", "flood", "canned.call_112",
    "human.queued_place_only",
})
# Buttons, page labels and the exit reply are shown on one line.
_ONE_LINE_PREFIXES: Final = ("button.", "web.", "exit_done")
# Stand-ins used only to check that rendered texts still contain 112.
_SAMPLE_VARIABLES: Final = MappingProxyType({
    "position": "3", "minutes": "10", "opening": "mån 08:00", "limit": "4000",
    "language_name": "Svenska",
})

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_HTML_TAG = re.compile(r"<[A-Za-z/!]")


class ContentError(ValueError):
    """A content file cannot be used, or a text was asked for that does not exist."""


@dataclass(frozen=True)
class LanguageMeta:
    code: str
    name: str  # in the language's own script, for the language keyboard
    english_name: str
    rtl: bool
    review: str  # pending | reviewed


class Catalog:
    """Every text in every loaded language, with helpline numbers ready to fill in."""

    def __init__(
        self,
        metas: Mapping[str, LanguageMeta],
        texts: Mapping[str, Mapping[str, str]],
        helplines: Mapping[str, str],
    ) -> None:
        self.languages: tuple[str, ...] = tuple(c for c in SUPPORTED_LANGUAGES if c in texts)
        self._metas = dict(metas)
        self._texts = {lang: dict(by_key) for lang, by_key in texts.items()}
        self._helplines = dict(helplines)
        self._keys = frozenset(self._texts[SOURCE_LANGUAGE])

    def meta(self, lang: str) -> LanguageMeta:
        return self._metas[self._known(lang)]

    def has(self, key: str) -> bool:
        return key in self._keys

    def keys(self) -> frozenset[str]:
        return self._keys

    def text(self, lang: str, key: str, *, young: bool = False, **variables: object) -> str:
        """The text for `key` in `lang` (default language if not loaded), filled in.

        young=True uses "young.<key>" where one exists: the words for someone under 18.
        """
        texts = self._texts[self._known(lang)]
        chosen = f"{YOUNG_PREFIX}{key}" if young and f"{YOUNG_PREFIX}{key}" in texts else key
        if chosen not in texts:
            raise ContentError(f"no text with the key {key!r}")
        clash = HELPLINE_PLACEHOLDERS & variables.keys()
        if clash:
            raise ContentError(f"{chosen}: {sorted(clash)} are helpline numbers, not variables")
        values = {**self._helplines, **{name: str(value) for name, value in variables.items()}}
        return _render(chosen, texts[chosen], values)

    def _known(self, lang: str) -> str:
        return lang if lang in self._texts else DEFAULT_LANGUAGE


def _render(key: str, template: str, values: Mapping[str, str]) -> str:
    def fill(match: re.Match[str]) -> str:
        name = match[1]
        if name not in values:
            raise ContentError(f"{key}: the variable {name!r} was not given")
        return values[name]

    return _PLACEHOLDER.sub(fill, template)


# --- loading and checking ---------------------------------------------------------------


def load_catalog(content_dir: Path | None = None, resources: Resources | None = None) -> Catalog:
    """Load and check every content file; the shipped ones (cached) when given nothing."""
    if content_dir is None and resources is None:
        return _default_catalog()
    return _load(content_dir or DEFAULT_CONTENT_DIR, resources or load_resources())


@cache
def _default_catalog() -> Catalog:
    return _load(DEFAULT_CONTENT_DIR, load_resources())


def _load(content_dir: Path, resources: Resources) -> Catalog:
    helplines = resources.placeholders()
    missing_lines = sorted(HELPLINE_PLACEHOLDERS - helplines.keys())
    if missing_lines:
        raise ContentError(f"resources have no number for {missing_lines}")
    files = {path.stem: Path(display_path(path)) for path in sorted(content_dir.glob("*.yaml"))}
    problems = [
        f"{path}: '{code}' is not a supported language {SUPPORTED_LANGUAGES}"
        for code, path in files.items()
        if code not in SUPPORTED_LANGUAGES
    ]
    for required in (SOURCE_LANGUAGE, DEFAULT_LANGUAGE):
        if required not in files:
            problems.append(f"{content_dir}: {required}.yaml is missing; it is required")
    if problems:
        raise ContentError("\n".join(problems))

    metas: dict[str, LanguageMeta] = {}
    texts: dict[str, dict[str, str]] = {}
    for code, path in files.items():
        meta, by_key, file_problems = _read(code, path)
        problems += file_problems
        if meta is not None:
            metas[code] = meta
        texts[code] = by_key
    if problems:
        raise ContentError("\n".join(problems))

    source = texts[SOURCE_LANGUAGE]
    problems += _check_source(files[SOURCE_LANGUAGE], source)
    for code, by_key in texts.items():
        problems += _check_against_source(files[code], by_key, source)
        problems += _check_112(files[code], by_key, helplines)
    if problems:
        raise ContentError("\n".join(problems))
    return Catalog(metas, texts, helplines)


def _read(code: str, path: Path) -> tuple[LanguageMeta | None, dict[str, str], list[str]]:
    """Parse one file and check its own shape: header, meta, and that texts are text."""
    raw_text = path.read_text(encoding="utf-8")
    try:
        raw = yaml.load(raw_text, Loader=_UniqueKeyLoader)  # a SafeLoader subclass
    except yaml.YAMLError as error:
        return None, {}, [f"{path}: is not valid YAML: {error}"]
    if not isinstance(raw, dict) or set(raw) != {"meta", "texts"}:
        return None, {}, [f"{path}: must have exactly two sections, meta: and texts:"]
    problems = _check_header(code, path, raw_text, raw["meta"])
    meta, meta_problems = _parse_meta(code, path, raw["meta"])
    problems += meta_problems
    by_key: dict[str, str] = {}
    if not isinstance(raw["texts"], dict):
        return meta, by_key, [*problems, f"{path}: texts: must be a list of key: text"]
    for key, value in raw["texts"].items():
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{path}: {key}: must be a non-empty text")
            continue
        by_key[str(key)] = value
        problems += [f"{path}: {key}: {p}" for p in _text_problems(str(key), value)]
    return meta, by_key, problems


def _check_header(code: str, path: Path, raw_text: str, meta: object) -> list[str]:
    header_lines = []
    for line in raw_text.splitlines():
        if not line.startswith("#"):
            break
        header_lines.append(line.lstrip("#").strip())
    header = " ".join(header_lines)
    if not header.startswith("Tryggchatt content, "):
        return [f"{path}: must start with a comment '# Tryggchatt content, <language in English>.'"]
    pending = isinstance(meta, dict) and meta.get("review") == "pending"
    says_pending = "review pending" in " ".join(header.split())
    if code not in ORIGINAL_LANGUAGES and pending and not says_pending:
        return [
            f"{path}: header comment must say it is a machine-assisted translation from en.yaml "
            "and that native review is pending"
        ]
    return []


def _parse_meta(code: str, path: Path, meta: object) -> tuple[LanguageMeta | None, list[str]]:
    fields = ("code", "name", "english_name", "rtl", "review")
    if not isinstance(meta, dict):
        return None, [f"{path}: meta: must list {', '.join(fields)}"]
    problems = [f"{path}: meta.{f}: is missing" for f in fields if f not in meta]
    problems += [f"{path}: meta.{f}: is not a known field" for f in meta if f not in fields]
    if problems:
        return None, problems
    if meta["code"] != code:
        problems.append(f"{path}: meta.code: is {meta['code']!r} but the file is for {code!r}")
    for field in ("name", "english_name"):
        if not isinstance(meta[field], str) or not meta[field].strip():
            problems.append(f"{path}: meta.{field}: must be a non-empty text")
    rtl_expected = code in RTL_LANGUAGES
    if meta["rtl"] is not rtl_expected:
        problems.append(
            f"{path}: meta.rtl: must be {str(rtl_expected).lower()} "
            "(true only for Arabic and Persian, which are written right to left)"
        )
    if meta["review"] not in REVIEW_STATES:
        problems.append(f"{path}: meta.review: must be one of {REVIEW_STATES}")
    if problems:
        return None, problems
    meta_value = LanguageMeta(code, meta["name"], meta["english_name"], meta["rtl"], meta["review"])
    return meta_value, []


def _text_problems(key: str, text: str) -> list[str]:
    """Placeholder syntax and plain-text rules, the same for every language."""
    problems = []
    names = _PLACEHOLDER.findall(text)
    unknown = [n for n in names if n not in HELPLINE_PLACEHOLDERS and n not in VARIABLES]
    if unknown:
        problems.append(
            f"unknown placeholder(s) {unknown}; helplines are {sorted(HELPLINE_PLACEHOLDERS)}"
        )
    if "{" in _PLACEHOLDER.sub("", text) or "}" in _PLACEHOLDER.sub("", text):
        problems.append("has a { or } that is not part of a {placeholder}")
    if _HTML_TAG.search(text):
        problems.append("contains an HTML tag; texts are plain text")
    if key.startswith(_ONE_LINE_PREFIXES) and "\n" in text.strip():
        problems.append("must be a single line")
    return problems


def _check_source(path: Path, source: Mapping[str, str]) -> list[str]:
    """Rules only en.yaml carries; the others then follow from matching it."""
    problems = []
    for key, text in source.items():
        for name in _PLACEHOLDER.findall(text):
            if name in VARIABLES and key not in VARIABLES[name]:
                problems.append(
                    f"{path}: {key}: {{{name}}} can only be used in {sorted(VARIABLES[name])}"
                )
        if key.startswith(YOUNG_PREFIX):
            adult_key = key.removeprefix(YOUNG_PREFIX)
            if adult_key not in source:
                problems.append(f"{path}: {key}: has no adult text {adult_key!r}")
            if "{bris}" not in text:
                problems.append(f"{path}: {key}: a text for young people must give {{bris}}")
    problems += [f"{path}: {key}: is missing" for key in sorted(MUST_CONTAIN_112 - source.keys())]
    return problems


def _check_against_source(
    path: Path, by_key: Mapping[str, str], source: Mapping[str, str]
) -> list[str]:
    missing = sorted(source.keys() - by_key.keys())
    extra = sorted(by_key.keys() - source.keys())
    problems = [f"{path}: {key}: is missing (en.yaml has it)" for key in missing]
    problems += [f"{path}: {key}: is not in en.yaml; remove it or add it there" for key in extra]
    for key in sorted(source.keys() & by_key.keys()):
        expected = sorted(set(_PLACEHOLDER.findall(source[key])))
        found = sorted(set(_PLACEHOLDER.findall(by_key[key])))
        if expected != found:
            problems.append(f"{path}: {key}: has placeholders {found} but en.yaml has {expected}")
    return problems


def _check_112(path: Path, by_key: Mapping[str, str], helplines: Mapping[str, str]) -> list[str]:
    values = {**helplines, **_SAMPLE_VARIABLES}
    problems = []
    for key in sorted(MUST_CONTAIN_112 & by_key.keys()):
        try:
            rendered = _render(key, by_key[key], values)
        except ContentError:
            continue  # reported already as a placeholder problem
        if "112" not in rendered:
            problems.append(f"{path}: {key}: must contain the number 112 (an emergency text)")
    return problems


class _UniqueKeyLoader(yaml.SafeLoader):
    """A SafeLoader that refuses a key written twice instead of silently keeping the last."""


def _unique_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[object] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"the key {key!r} is written twice", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _unique_mapping)
