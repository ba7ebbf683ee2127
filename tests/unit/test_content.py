"""The texts a person reads: complete in every language, safe in an emergency, and checked.

The second half breaks a copy of the content files one rule at a time and expects the
loader to refuse it, naming the file and key a translator has to fix.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from flows.content import (
    DEFAULT_CONTENT_DIR,
    MUST_CONTAIN_112,
    Catalog,
    ContentError,
    load_catalog,
)
from flows.resources import DEFAULT_PATH as RESOURCES_PATH
from flows.resources import load_resources
from nlu.types import SUPPORTED_LANGUAGES

EN_KEYS = frozenset(yaml.safe_load((DEFAULT_CONTENT_DIR / "en.yaml").read_text("utf-8"))["texts"])
YOUNG_KEYS = sorted(k for k in EN_KEYS if k.startswith("young."))
# The safety checks run on every file that is there, with no fallback to Swedish hiding a gap;
# test_every_language_has_its_own_text_for_every_key fails for any file that is not.
LOADED = load_catalog().languages


def render(catalog: Catalog, lang: str, key: str) -> str:
    """The text with every variable the engine may pass (each key uses only its own)."""
    return catalog.text(lang, key, position=2, minutes=15, opening="mån 08:00", limit=4000,
                        language_name="Svenska")


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


# --- the shipped content -----------------------------------------------------------------


def test_the_shipped_content_files_load(catalog: Catalog) -> None:
    assert {"sv", "en"} <= set(catalog.languages)
    assert catalog.languages == tuple(c for c in SUPPORTED_LANGUAGES if c in catalog.languages)


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_every_language_has_its_own_text_for_every_key(catalog: Catalog, lang: str) -> None:
    assert lang in catalog.languages, f"flows/content/{lang}.yaml is missing or was not loaded"
    for key in EN_KEYS:
        assert render(catalog, lang, key).strip(), key


@pytest.mark.parametrize("lang", LOADED)
def test_emergency_texts_give_112_in_every_language(catalog: Catalog, lang: str) -> None:
    for key in sorted(MUST_CONTAIN_112):
        assert "112" in render(catalog, lang, key), f"{lang}: {key}"


@pytest.mark.parametrize("lang", LOADED)
def test_young_variants_give_bris_and_its_number(catalog: Catalog, lang: str) -> None:
    assert YOUNG_KEYS, "en.yaml has no texts for young people"
    for key in YOUNG_KEYS:
        assert "Bris, 116 111" in catalog.text(lang, key), f"{lang}: {key}"


def test_a_child_in_danger_gets_the_young_emergency_text_with_bris(catalog: Catalog) -> None:
    adult, child = catalog.text("sv", "emergency"), catalog.text("sv", "emergency", young=True)
    assert "112" in adult and "112" in child
    assert "Bris" in child and "Bris" not in adult


def test_young_falls_back_to_the_common_text_without_a_young_variant(catalog: Catalog) -> None:
    assert catalog.text("en", "topic.shelter", young=True) == catalog.text("en", "topic.shelter")


def test_high_danger_support_gives_kvinnofridslinjen_with_its_number(catalog: Catalog) -> None:
    assert "Kvinnofridslinjen, 020-50 50 50" in catalog.text("sv", "high_support")


def test_suicide_support_gives_sjalvmordslinjen_and_1177(catalog: Catalog) -> None:
    text = catalog.text("en", "suicide_support")
    assert "Självmordslinjen, 90101" in text and "1177" in text and "112" in text


def test_honour_topic_refers_to_ratt_att_valja_not_the_professionals_line(catalog: Catalog) -> None:
    for lang in catalog.languages:
        text = catalog.text(lang, "topic.honour")
        assert "Rätt att välja, 020-57 70 70" in text and "010-223 57 60" not in text


def test_the_queue_text_tells_the_place_and_the_wait(catalog: Catalog) -> None:
    text = catalog.text("en", "human.queued", position=4, minutes=25)
    assert "number 4" in text and "25 minutes" in text and "112" in text


def test_out_of_hours_the_person_is_told_when_staff_are_back(catalog: Catalog) -> None:
    text = catalog.text("sv", "human.no_staff", opening="måndag 08:00")
    assert "måndag 08:00" in text and "Kvinnofridslinjen" in text


def test_the_bot_says_it_is_not_a_person_and_not_the_police(catalog: Catalog) -> None:
    text = catalog.text("en", "not_human")
    assert "not a person" in text and "not the police" in text


def test_quick_exit_reply_is_one_neutral_line(catalog: Catalog) -> None:
    for lang in catalog.languages:
        done = catalog.text(lang, "exit_done")
        assert "\n" not in done and len(done) <= 12, lang


def test_an_unknown_language_gets_swedish(catalog: Catalog) -> None:
    assert catalog.text("de", "welcome") == catalog.text("sv", "welcome")
    assert catalog.meta("de").code == "sv"


def test_language_meta_names_each_language_in_its_own_words(catalog: Catalog) -> None:
    assert catalog.meta("sv").name == "Svenska"
    assert catalog.meta("es").english_name == "Spanish"
    assert all(catalog.meta(lang).rtl is (lang in ("ar", "fa")) for lang in catalog.languages)


def test_a_municipality_number_comes_from_the_resources_given(tmp_path: Path) -> None:
    changed = RESOURCES_PATH.read_text("utf-8").replace('"000-000 00 02"', '"0771-22 33 44"')
    (tmp_path / "resources.yaml").write_text(changed, "utf-8")
    mine = load_catalog(resources=load_resources(tmp_path / "resources.yaml"))
    assert "Kvinnojouren i Exempelkommun, 0771-22 33 44" in mine.text("en", "topic.shelter")


def test_a_missing_variable_is_an_error_not_a_hole_in_the_text(catalog: Catalog) -> None:
    with pytest.raises(ContentError, match="position"):
        catalog.text("en", "human.queued", minutes=5)


def test_a_variable_cannot_replace_a_helpline_number(catalog: Catalog) -> None:
    with pytest.raises(ContentError, match="kvinnofridslinjen"):
        catalog.text("en", "high_support", kvinnofridslinjen="000")


def test_asking_for_a_key_that_does_not_exist_is_an_error(catalog: Catalog) -> None:
    assert not catalog.has("topic.weather")
    with pytest.raises(ContentError, match=r"topic\.weather"):
        catalog.text("en", "topic.weather")


# --- each rule refuses a broken copy --------------------------------------------------------


@pytest.fixture
def content(tmp_path: Path) -> Path:
    copy = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, copy)
    return copy


def edit(content: Path, lang: str, old: str, new: str) -> None:
    path = content / f"{lang}.yaml"
    text = path.read_text("utf-8")
    assert old in text, f"{lang}.yaml no longer contains {old!r}"
    path.write_text(text.replace(old, new, 1), "utf-8")


def refused(content: Path) -> str:
    with pytest.raises(ContentError) as caught:
        load_catalog(content)
    return str(caught.value)


def make_arabic(content: Path, rtl: str) -> None:
    """An Arabic file with English words: enough to test the rules about its meta."""
    text = (content / "en.yaml").read_text("utf-8")
    text = text.replace("code: en", "code: ar").replace("name: English", "name: العربية", 1)
    text = text.replace("english_name: English", "english_name: Arabic")
    text = text.replace("rtl: false", f"rtl: {rtl}").replace("review: reviewed", "review: pending")
    header = "# Tryggchatt content, Arabic. Machine-assisted translation from en.yaml:\n" \
             "# native review pending.\n"
    (content / "ar.yaml").write_text(header + text, "utf-8")


def test_an_unbroken_copy_loads(content: Path) -> None:
    assert load_catalog(content).has("emergency")


def test_a_translation_missing_a_key_is_refused_naming_file_and_key(content: Path) -> None:
    edit(content, "sv", '  thanks: "Varsågod. Är det något mer du vill fråga?"\n', "")
    assert "sv.yaml: thanks: is missing" in refused(content)


def test_a_key_that_en_does_not_have_is_refused(content: Path) -> None:
    edit(content, "es", "  web.send:", '  web.sendd: "Enviar"\n  web.send:')
    assert "es.yaml: web.sendd: is not in en.yaml" in refused(content)


def test_a_translation_that_drops_a_helpline_is_refused(content: Path) -> None:
    edit(content, "pl", "Możesz też zadzwonić do {bris}, w dzień", "Możesz też zadzwonić, w dzień")
    expected = "pl.yaml: young.emergency: has placeholders [] but en.yaml has ['bris']"
    assert expected in refused(content)


def test_a_misspelt_placeholder_is_refused(content: Path) -> None:
    edit(content, "tr", "{kvinnofridslinjen} hattını arayabilirsin. Gece",
         "{kvinnofridslinje} hattını arayabilirsin. Gece")
    assert "tr.yaml: high_support: unknown placeholder(s) ['kvinnofridslinje']" in refused(content)


def test_a_stray_brace_is_refused(content: Path) -> None:
    edit(content, "fi", '"Valitse kieli."', '"Valitse {kieli."')
    assert "fi.yaml: choose_language: has a { or }" in refused(content)


def test_a_variable_in_a_text_that_never_gets_it_is_refused(content: Path) -> None:
    for lang in ("en", "sv", "es", "pl", "tr", "fi"):
        path = content / f"{lang}.yaml"
        text = yaml.safe_load(path.read_text("utf-8"))["texts"]["greet"]
        edit(content, lang, f'greet: "{text}"', f'greet: "{text} {{limit}}"')
    assert "en.yaml: greet: {limit} can only be used in ['too_long']" in refused(content)


def test_an_emergency_text_without_112_is_refused(content: Path) -> None:
    edit(content, "sv", "Om du är i fara eller om någon skadar dig: ring 112 nu.",
         "Om du är i fara eller om någon skadar dig: ring nu.")
    assert "sv.yaml: emergency: must contain the number 112" in refused(content)


def test_the_english_source_without_112_is_refused_too(content: Path) -> None:
    edit(content, "en", "If you are in danger or someone is hurting you: call 112 now.",
         "If you are in danger or someone is hurting you: call for help now.")
    assert "en.yaml: emergency: must contain the number 112" in refused(content)


def test_a_young_text_without_bris_is_refused(content: Path) -> None:
    for lang, old in (("en", "You can always call {bris}."), ("sv", "Du kan alltid ringa {bris}."),
                      ("es", "Siempre puedes llamar a {bris}."),
                      ("pl", "Zawsze możesz zadzwonić do {bris}."),
                      ("tr", "{bris} hattını her zaman arayabilirsin."),
                      ("fi", "Voit aina soittaa: {bris}.")):
        edit(content, lang, old, "")
    assert "en.yaml: young.topic.child_support: a text for young people must give {bris}" in (
        refused(content)
    )


def test_meta_without_english_name_is_refused(content: Path) -> None:
    edit(content, "es", "  english_name: Spanish\n", "")
    assert "es.yaml: meta.english_name: is missing" in refused(content)


def test_meta_with_the_wrong_code_is_refused(content: Path) -> None:
    edit(content, "pl", "code: pl", "code: po")
    assert "pl.yaml: meta.code: is 'po'" in refused(content)


def test_right_to_left_for_a_left_to_right_language_is_refused(content: Path) -> None:
    edit(content, "tr", "rtl: false", "rtl: true")
    assert "tr.yaml: meta.rtl: must be false" in refused(content)


def test_arabic_written_left_to_right_is_refused(content: Path) -> None:
    make_arabic(content, rtl="false")
    assert "ar.yaml: meta.rtl: must be true" in refused(content)


def test_arabic_marked_right_to_left_loads(content: Path) -> None:
    make_arabic(content, rtl="true")
    mine = load_catalog(content)
    assert mine.meta("ar").rtl and mine.meta("ar").name == "العربية"
    assert mine.languages.index("ar") == 2  # SUPPORTED_LANGUAGES order: sv, en, ar, ...


def test_an_unknown_review_state_is_refused(content: Path) -> None:
    edit(content, "fi", "review: pending", "review: done")
    assert "fi.yaml: meta.review: must be one of" in refused(content)


def test_a_translation_without_its_header_comment_is_refused(content: Path) -> None:
    edit(content, "es", "# Tryggchatt content, Spanish. Machine-assisted translation from "
         "en.yaml:\n# native review pending.\n", "")
    assert "es.yaml: must start with a comment" in refused(content)


def test_a_pending_translation_must_say_review_is_pending(content: Path) -> None:
    edit(content, "pl", "# native review pending.", "# checked.")
    assert "pl.yaml: header comment must say" in refused(content)


def test_a_key_written_twice_is_refused(content: Path) -> None:
    edit(content, "fi", '  web.send: "Lähetä"', '  web.send: "Lähetä"\n  web.send: "Lähetä!"')
    assert "fi.yaml: is not valid YAML" in refused(content) and "written twice" in refused(content)


def test_html_in_a_text_is_refused(content: Path) -> None:
    edit(content, "sv", '"Välj ditt språk."', '"<b>Välj ditt språk.</b>"')
    assert "sv.yaml: choose_language: contains an HTML tag" in refused(content)


def test_a_button_split_over_two_lines_is_refused(content: Path) -> None:
    edit(content, "es", 'button.human: "Hablar con una persona"',
         'button.human: "Hablar con\\nuna persona"')
    assert "es.yaml: button.human: must be a single line" in refused(content)


def test_a_file_for_an_unsupported_language_is_refused(content: Path) -> None:
    shutil.copy(content / "en.yaml", content / "de.yaml")
    assert "'de' is not a supported language" in refused(content)


def test_an_empty_text_is_refused(content: Path) -> None:
    edit(content, "tr", 'web.send: "Gönder"', 'web.send: ""')
    assert "tr.yaml: web.send: must be a non-empty text" in refused(content)
