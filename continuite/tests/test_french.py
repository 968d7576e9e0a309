import datetime

from django.template import Context, Template

from continuite import french


def test_it_writes_the_first_of_the_month_as_1er():
    assert french.day_month(datetime.date(2026, 12, 1)) == "1er décembre"
    assert french.long_date(datetime.date(2026, 12, 1)) == "mardi 1er décembre 2026"
    assert french.day_month(datetime.date(2026, 12, 15)) == "15 décembre"


def test_it_keeps_zero_and_one_in_the_singular():
    assert french.plural(0, "séance") == "0 séance"
    assert french.plural(1, "séance") == "1 séance"
    assert french.plural(2, "séance") == "2 séances"
    assert french.plural(3, "travail", "travaux") == "3 travaux"


def test_it_labels_a_week_with_its_number_and_parity():
    assert french.week_label(datetime.date(2026, 11, 30), "A") == "semaine 49 (A) du 30 novembre au 4 décembre"
    assert french.week_label(datetime.date(2026, 11, 30)) == "semaine 49 du 30 novembre au 4 décembre"
    saturday = datetime.date(2026, 12, 5)  # a school with classes on Saturday
    assert french.week_label(datetime.date(2026, 11, 30), "A", last_day=saturday) == (
        "semaine 49 (A) du 30 novembre au 5 décembre"
    )


def test_it_offers_the_same_wording_in_templates():
    html = Template(
        '{% load fr %}{{ d|jour_mois }} · {{ n|compte:"travail,travaux" }} · {{ one|compte:"séance" }}'
    ).render(Context({"d": datetime.date(2027, 3, 1), "n": 2, "one": 1}))
    assert html == "1er mars · 2 travaux · 1 séance"


def test_it_labels_a_week_in_templates_with_a_capital():
    html = Template("{% load fr %}{{ d|semaine:p }}").render(Context({"d": datetime.date(2026, 11, 30), "p": "A"}))
    assert html == "Semaine 49 (A) du 30 novembre au 4 décembre"


def test_it_writes_a_signals_period_in_words_and_leaves_other_text_alone():
    render = Template("{% load fr %}{{ value|periode }}").render
    assert render(Context({"value": "2026-11-17 → 2026-12-01"})) == "du 17 novembre au 1er décembre"
    assert render(Context({"value": "deux semaines"})) == "deux semaines"
    assert render(Context({"value": None})) == ""


def test_it_elides_de_before_a_vowel_or_a_mute_h():
    assert french.de("Arthur ROGER") == "d'Arthur ROGER"
    assert french.de("Élodie MARTIN") == "d'Élodie MARTIN"
    assert french.de("Hugo PETIT") == "d'Hugo PETIT"
    assert french.de("Yves KLEIN") == "d'Yves KLEIN"
    assert french.de("Institution Sainte-Marie") == "d'Institution Sainte-Marie"


def test_it_keeps_de_before_a_consonant_and_a_consonant_y():
    assert french.de("Léa DURAND") == "de Léa DURAND"
    assert french.de("Yanis BENALI") == "de Yanis BENALI"
    assert french.de("Lycée Jean Zay") == "de Lycée Jean Zay"


def test_it_elides_in_templates_and_in_texts_filled_by_format():
    html = Template("{% load fr %}{{ a|de }} · {{ b|de }}").render(Context({"a": "Arthur", "b": "Zoé"}))
    assert html == "d&#x27;Arthur · de Zoé"
    plain = Template("{% load fr %}{% autoescape off %}{{ a|de }}{% endautoescape %}").render(Context({"a": "Arthur"}))
    assert plain == "d'Arthur"
    text = "Absences de {eleve} : de {classe}. De {eleve}, {{eleve}}"
    values = {"eleve": "Arthur ROGER", "classe": "1G3"}
    assert french.elide_placeholders(text, values).format_map(values) == (
        "Absences d'Arthur ROGER : de 1G3. D'Arthur ROGER, {eleve}"
    )
