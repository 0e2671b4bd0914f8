"""The report site in a real browser: headless Chromium opens the site built from the sample
reports over file:// and the tests check what a reader sees."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tracker.config import Config
from tracker.ingest import ingest_file
from tracker.site.model import market_slug
from tracker.site.publish import publish, read_site
from tracker.store import Store

from . import browser
from .conftest import SAMPLE_YEARS, sample_pdf, save
from .test_site import EVIL, HISTORY, report

pytestmark = pytest.mark.slow  # a real browser, the sample PDFs read in full


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site of the five sample reports (2011, 2016, 2019, 2020, 2021), ingested."""
    folder = tmp_path_factory.mktemp("sample-site")
    config = Config(state_dir=folder / "state", database_url=f"sqlite:///{folder}/tracker.db")
    with Store(config.database_url) as store:
        for year in SAMPLE_YEARS:
            ingest_file(config, store, sample_pdf(year))
        publish(read_site(store), folder / "site")
    return folder / "site"


@pytest.fixture(scope="session")
def markup_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("markup-site")
    with Store(f"sqlite:///{folder}/tracker.db") as store:
        for year, entries in HISTORY.items():
            save(store, report(year, entries), f"sha-{year}")
        publish(read_site(store), folder / "site")
    return folder / "site"


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    if why := browser.missing():
        pytest.fail(why, pytrace=False)
    with browser.chromium() as d:
        yield d


def open_page(driver: Any, site: Path, page: str = "index.html") -> None:
    driver.get(browser.file_url(site / page))


def visible_rows(driver: Any) -> list[str]:
    rows = driver.find_elements("css selector", "#timeline tr[data-market]")
    return [r.get_attribute("data-market") for r in rows if r.is_displayed()]


def cell(driver: Any, market: str, year: int) -> Any:
    return driver.find_element(
        "css selector", f'#timeline tr[data-market="{market}"] td[data-year="{year}"]'
    )


def test_aliexpress_is_new_in_2021(driver: Any, sample_site: Path) -> None:
    open_page(driver, sample_site)
    row = driver.find_element("css selector", '#timeline tr[data-market="aliexpress"]')
    assert row.find_element("css selector", "th").text == "ALIEXPRESS"
    new = cell(driver, "aliexpress", 2021)
    assert new.text == "N"
    link = new.find_element("tag name", "a")
    assert link.get_attribute("title") == "ALIEXPRESS, 2021: new, page 8"
    assert link.get_attribute("href").endswith("/pdf/2021.pdf#page=8")
    filled = row.find_elements("css selector", "td.on")
    assert [td.get_attribute("data-year") for td in filled] == ["2021"]  # only listed in 2021
    legend = driver.find_element("css selector", "#markets .legend").text
    assert "new that year" in legend and "returning after an absence" in legend


def test_a_country_filter_hides_the_other_rows(driver: Any, sample_site: Path) -> None:
    from selenium.webdriver.support.ui import Select

    open_page(driver, sample_site)
    everything = visible_rows(driver)
    Select(driver.find_element("name", "country")).select_by_visible_text("Mexico")
    shown = visible_rows(driver)
    assert shown and len(shown) < len(everything)
    countries = {
        driver.find_element("css selector", f'tr[data-market="{m}"]').get_attribute("data-country")
        for m in shown
    }
    assert countries == {"Mexico"}
    assert "tepito" in shown and "aliexpress" not in shown
    groups = [g.text for g in driver.find_elements("css selector", "tr.group") if g.is_displayed()]
    assert groups == ["Physical · Mexico (3)"]
    assert driver.find_element("id", "shown").text == f"{len(shown)} of {len(everything)} markets"
    Select(driver.find_element("name", "country")).select_by_index(0)
    assert visible_rows(driver) == everything


def test_the_name_search_finds_a_market_by_its_city(driver: Any, sample_site: Path) -> None:
    open_page(driver, sample_site)
    box = driver.find_element("name", "q")
    box.send_keys("lomas de zamora")
    assert visible_rows(driver) == ["la-salada"]
    box.clear()
    box.send_keys("x")  # the search and the kind filter combine
    from selenium.webdriver.support.ui import Select

    Select(driver.find_element("name", "kind")).select_by_value("physical")
    shown = visible_rows(driver)
    assert shown and all(
        driver.find_element("css selector", f'tr[data-market="{m}"]').get_attribute("data-kind")
        == "physical"
        for m in shown
    )


def test_a_long_listed_market_shows_every_year(driver: Any, sample_site: Path) -> None:
    open_page(driver, sample_site)
    driver.find_element("css selector", '#timeline tr[data-market="tepito"] th a').click()
    assert driver.current_url.endswith("/markets/tepito.html")
    assert driver.find_element("tag name", "h1").text == "Tepito"
    years = [
        r.find_element("css selector", "th").text.split()[0]
        for r in driver.find_elements("css selector", "table.record tr.listed")
    ]
    assert years == [str(y) for y in SAMPLE_YEARS]
    summary = driver.find_element("css selector", ".summary").text
    assert summary.startswith("Listed in 5 of 5 stored years: 2011, 2016, 2019, 2020, 2021.")
    printed = driver.find_element("css selector", "table.record tr#y2016 td").text
    assert printed == "El Tepito – Mexico City"


def test_the_year_page_links_each_market_to_its_pdf_page(driver: Any, sample_site: Path) -> None:
    open_page(driver, sample_site, "years/2021.html")
    new = driver.find_element("id", "new").text
    assert new == "New for the first time (9)"
    item = driver.find_element("xpath", "//h2[@id='new']/following-sibling::ul[1]/li[2]")
    assert item.find_element("css selector", "a.market").text == "ALIEXPRESS"
    page = item.find_element("css selector", "a.page")
    assert page.text == "p. 8" and page.get_attribute("href").endswith("pdf/2021.pdf#page=8")
    assert item.find_element("tag name", "blockquote").text.startswith("Right holders report")


def test_names_with_markup_show_as_text(driver: Any, markup_site: Path) -> None:
    market = market_slug("b-evil-b-co-script-alert-1-script")
    open_page(driver, markup_site)
    name = driver.find_element("css selector", f'tr[data-market="{market}"] th a')
    assert name.text == EVIL
    assert name.find_elements("css selector", "b, script") == []
    assert (
        driver.execute_script("return document.querySelectorAll('main script, main b').length") == 0
    )
    open_page(driver, markup_site, f"markets/{market}.html")
    assert driver.find_element("tag name", "h1").text == EVIL
    excerpt = driver.find_element("tag name", "blockquote").text
    assert excerpt.startswith("<i>not italic</i> & <img")


def test_without_javascript_everything_is_shown(sample_site: Path) -> None:
    if why := browser.missing():
        pytest.fail(why, pytrace=False)
    with browser.chromium(javascript=False) as d:
        open_page(d, sample_site)
        rows = d.find_elements("css selector", "#timeline tr[data-market]")
        assert len(rows) > 100 and all(r.is_displayed() for r in rows)
        assert not d.find_element("id", "filters").is_displayed()  # no control that cannot work
