"""Issue #20 point 3 in real Chromium: the Finance view of a daemon connected to a team's PostgreSQL schema as
a viewer shows the "read-only (viewer)" badge and the team's figures, and offers nothing that would change
them: Sync, Reset, undo, inline edits, file drops and the settings' saves are disabled or hidden. The same
view on an editor's daemon shows no badge and offers them."""

from __future__ import annotations

import pytest

from companion import errors
from tests.support import PG_URL
from tests.support.browser import click, wait_for
from tests.support.daemon import Daemon, run
from tests.support.finance_view import open_view
from tests.support.tables import bench_export
from tests.support.team import new_team

pytestmark = pytest.mark.skipif(not PG_URL, reason="SHOPTALLY_TEST_DATABASE_URL is not set")
DISABLED = ("#sync", "#reset", "#undo", "#sync-data", "#save-modes", "#add-rate", "#file-input")


def state(d) -> dict:
    return d.execute_script(
        "const q = (s) => document.querySelector(s);"
        "return {badge: q('#role').hidden ? null : q('#role').textContent,"
        " disabled: arguments[0].filter((s) => q(s).disabled),"
        " drop: getComputedStyle(q('#drop')).display,"
        " backup: q('#backup-create').disabled}", list(DISABLED))


def test_a_viewers_view_shows_the_badge_and_offers_no_change(browser, tmp_path):
    from selenium.webdriver.common.by import By

    with new_team() as team:
        team.init()
        alice, bob, carol = team.add_person("owner"), team.add_person("editor"), team.add_person("viewer")
        migrated = run(["report", "--data-dir", str(tmp_path / "a"), "--database-url", team.url(alice)])
        assert migrated.code == 0, migrated
        with Daemon(tmp_path / "bob", team.url(bob)) as editor, \
                Daemon(tmp_path / "carol", team.url(carol)) as viewer:
            imported = editor.cli("import", str(bench_export(tmp_path, 5)))
            assert imported.code == 0, imported
            d = browser.driver
            open_view(browser, viewer, "?period=all&tab=settings")
            wait_for(lambda: state(d)["badge"] == "read-only (viewer)", "the viewer badge")
            wait_for(lambda: d.find_elements(By.CSS_SELECTOR, "#store-settings tbody tr"), "the stores' settings")
            seen = state(d)
            assert seen == {"badge": "read-only (viewer)", "disabled": list(DISABLED), "drop": "none",
                            "backup": False}, seen
            # what Settings draws after the badge (each store's row) is disabled too
            assert d.execute_script("return [...document.querySelectorAll('#store-settings select, "
                                    "#store-settings button')].every((e) => e.disabled)")
            # an inline edit does not open: the cell stays as it was
            d.find_element(By.CSS_SELECTOR, "[role=tab][data-tab=expense]").click()
            wait_for(lambda: click(d, "#expense td.editable"), "an editable cell clicked")
            assert d.find_elements(By.CSS_SELECTOR, "#expense td input") == []
            # the language switched: what is disabled says why in the page's language now, and back again
            titles = "return ['#sync', '#save-modes'].map((s) => document.querySelector(s).title)"
            for lang in ("zh", "en"):
                d.find_element(By.ID, "lang").click()
                said = errors.render("team_read_only", {}, lang)
                wait_for(lambda said=said: d.execute_script(titles) == [said, said], f"the titles in {lang}")
            # the same view on the editor's daemon: no badge, everything offered
            open_view(browser, editor, "?period=all&tab=settings")
            wait_for(lambda: d.execute_script("return document.body.dataset.ready") == "true", "the editor's view")
            wait_for(lambda: d.find_element(By.ID, "conn").text != "connecting…", "the status line")
            seen = state(d)
            assert seen == {"badge": None, "disabled": [], "drop": "flex", "backup": False}, seen
            d.find_element(By.CSS_SELECTOR, "[role=tab][data-tab=expense]").click()
            # clicked again while the table is drawn anew (the first load's rows replaced by the next)
            wait_for(lambda: d.find_elements(By.CSS_SELECTOR, "#expense td input")
                     or (click(d, "#expense td.editable") and False), "the editor's inline edit")
