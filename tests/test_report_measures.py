"""The measure catalogue (measures.yaml, from items 1–22 of the source document), its validation,
and the report texts of both languages."""

import pytest
import yaml
from health_eval.reports import MeasuresError, load_measures
from health_eval.reports.locale import Texts, _locale_data, flatten

from health_eval.engine.registry import default_registry


@pytest.fixture(scope="module")
def catalogue():
    return load_measures(known_indicators={i.id for i in default_registry()})


def test_catalogue_holds_the_items_of_the_source(catalogue):
    items = [m.source.item for m in catalogue.measures]
    assert items == [*range(1, 12), *range(13, 23)]   # the source has no item 12
    assert all(m.source.document == "seeds" for m in catalogue.measures)
    item7 = next(m for m in catalogue.measures if m.source.item == 7)
    assert item7.departments == ["青云谱生态环境局", "新经济产业集聚区", "区发展改革委", "区科工局"]
    assert catalogue.source_document.title == "青云谱区2021年河湖长制工作要点"


@pytest.mark.parametrize("indicator, items", [
    ("water.wq_grade", {7, 8, 10, 13, 17}),
    ("basin.shoreline_violations", {14, 15, 17}),
    ("biota.fish_retention", {9, 18}),
    ("social.drinking_source", {19}),
])
def test_indicators_are_addressed_by_the_items_of_the_brief(catalogue, indicator, items):
    assert items <= {m.source.item for m in catalogue.for_indicator(indicator)}


def test_settings_live_in_the_catalogue(catalogue):
    assert (catalogue.settings.weak_below, catalogue.settings.mandatory_weak_below) == (75, 60)
    own = load_measures({"settings": {"weak_below": 80}, "measures": [
        {"id": "m1", "title_zh": "措施", "title_en": "measure", "summary_zh": "内容",
         "summary_en": "content", "departments": ["区河长办"], "indicators": ["water.wq_grade"],
         "source": {"document": "local", "item": 1}}]})
    assert own.settings.weak_below == 80 and own.settings.mandatory_weak_below == 60


def test_bad_catalogues_name_their_key_paths(tmp_path):
    with pytest.raises(MeasuresError, match=r"measures\.0\.departments: Field required"):
        load_measures({"measures": [{"id": "x", "title_zh": "", "title_en": "",
                                     "summary_zh": "", "summary_en": "", "indicators": ["a.b"],
                                     "source": {"document": "d", "item": 1}}]})
    with pytest.raises(MeasuresError, match=r"measures\.0\.indicators\.0: .*'water\.wq_grad'"):
        load_measures({"measures": [{"id": "x", "title_zh": "", "title_en": "",
                                     "summary_zh": "", "summary_en": "", "departments": ["d"],
                                     "indicators": ["water.wq_grad"],
                                     "source": {"document": "d", "item": 1}}]},
                      known_indicators={"water.wq_grade"})
    path = tmp_path / "m.yaml"
    path.write_text("measures: [\n", encoding="utf-8")
    with pytest.raises(MeasuresError, match="not valid YAML"):
        load_measures(path)
    with pytest.raises(MeasuresError, match="no measure catalogue file"):
        load_measures(tmp_path / "missing.yaml")


def test_both_languages_have_the_same_texts():
    keys = {lang: {k for k in flatten(_locale_data(lang)) if not k.startswith("parameters.")}
            for lang in ("zh", "en")}
    assert keys["zh"] == keys["en"]
    assert Texts("en").parameter("nh3n") == "NH3-N" and Texts("zh").parameter("nh3n") == "氨氮"


def test_packaged_yaml_is_plain_data():
    from importlib import resources

    text = (resources.files("health_eval.reports") / "measures.yaml").read_text(encoding="utf-8")
    assert yaml.safe_load(text)["settings"]["weak_below"] == 75
