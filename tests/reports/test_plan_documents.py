"""The plan documents are generated from the plan data: the full plan, the one-page activity
list, the short version and one actor's extract."""

import io
import re

import pytest
from docx import Document as WordDocument

from organisations.models import Actor
from plans.models import PlanVersion
from reports.document import Entries, Items, Table
from reports.formats import render
from reports.models import PlanTextSection
from reports.plan_documents import actor_extract, plan_document
from reports.render_html import render_body

from .conftest import libreoffice_to_pdf, needs_libreoffice
from .reading import docx_headings, pdf_catalog, pdf_objects, pdf_page_runs, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_plan(module_data):
    """The demo's adopted plan, its revision, and their documents as data and as files."""

    def build():
        from plans.demo import demo_load

        municipality = demo_load()
        adopted = PlanVersion.objects.get(
            plan__municipality=municipality, status=PlanVersion.Status.ADOPTED
        )
        draft = PlanVersion.objects.get(
            plan__municipality=municipality, status=PlanVersion.Status.DRAFT
        )
        PlanTextSection.objects.create(
            version=draft,
            position=0,
            title="Bakgrund",
            body="Kommunen antog sin första plan 2018.\n\nUppföljningen 2023 visade brister.",
        )
        board = Actor.objects.get(municipality=municipality, name="Socialnämnden")
        documents = {
            "plan": plan_document(draft, "plan"),
            "short": plan_document(adopted, "short"),
            "activities": plan_document(adopted, "activities"),
            "extract": actor_extract(adopted, board),
        }
        files = {
            "plan.pdf": render(documents["plan"], "pdf"),
            "plan.docx": render(documents["plan"], "docx"),
            "activities.pdf": render(documents["activities"], "pdf"),
            "extract.docx": render(documents["extract"], "docx"),
            "short.pdf": render(documents["short"], "pdf"),
            "draft activities.pdf": render(plan_document(draft, "activities"), "pdf"),
        }
        under = {"Socialnämnden", "Socialförvaltningen", "Individ- och familjeomsorgen"}
        under.add("Våldsstödsteamet")
        known = {
            "draft goals": draft.goals.count(),
            "draft activities": [f"{a.code} {a.title}" for a in draft.activities.all()],
            "draft indicators": draft.indicators.count(),
            "first condition": draft.goals.get(code="1").condition_list[0],
            "labels": [adopted.label, draft.label],
            "diary number": adopted.diary_number,
            "activities": adopted.activities.count(),
            "roots": [f"{g.code} {g.title}" for g in adopted.goals.filter(parent=None)],
            "extract": {
                a.code
                for a in adopted.activities.prefetch_related("responsibilities__actor")
                for r in a.responsibilities.all()
                if r.actor.name in under
            },
        }
        return {"known": known, "documents": documents, "files": files}

    return module_data(build)


def page_size(pdf: bytes) -> tuple[float, float]:
    for dictionary, _data in pdf_objects(pdf).values():
        if match := re.search(rb"/MediaBox\s*\[0 0 ([\d.]+) ([\d.]+)\]", dictionary):
            return float(match[1]), float(match[2])
    raise AssertionError("no page")


def blocks(document, kind):
    return [b for s in document.sections for b in s.blocks if isinstance(b, kind)]


def test_the_full_plan_has_the_texts_goals_actors_and_decision_trail(demo_plan):
    plan = demo_plan["documents"]["plan"]
    known = demo_plan["known"]
    assert plan.sections[0].title == "Bakgrund"
    assert [b.text for b in plan.sections[0].blocks] == [
        "Kommunen antog sin första plan 2018.",
        "Uppföljningen 2023 visade brister.",
    ]
    goal_sections = [s for s in plan.sections if s.key.startswith("goal-")]
    assert len(goal_sections) == known["draft goals"]
    assert any(known["first condition"] in b.items for b in blocks(plan, Items))
    activities = [e.title for b in blocks(plan, Entries) for e in b.entries]
    assert set(known["draft activities"]) <= set(activities)
    indicator_rows = [
        r[0] for t in blocks(plan, Table) if t.key.startswith("indicators-") for r in t.rows
    ]
    assert len(indicator_rows) == known["draft indicators"]
    assert any(s.key.startswith("actor-") for s in plan.sections)
    trail = next(t for t in plan.tables() if t.key == "decisions")
    assert [row[0] for row in trail.rows] == known["labels"]
    assert trail.rows[0][5] == known["diary number"]


def test_the_activity_list_is_one_landscape_table_of_every_activity(demo_plan):
    document = demo_plan["documents"]["activities"]
    assert document.landscape
    (table,) = document.tables()
    assert len(table.rows) == demo_plan["known"]["activities"]
    assert all(row[3] for row in table.rows), "every activity has its lead"


def test_the_short_version_has_one_section_per_main_goal(demo_plan):
    document = demo_plan["documents"]["short"]
    assert [s.title for s in document.sections] == demo_plan["known"]["roots"]
    rows = sum(len(t.rows) for t in document.tables())
    assert rows == demo_plan["known"]["activities"]


def test_an_actors_extract_covers_it_and_the_actors_under_it(demo_plan):
    document = demo_plan["documents"]["extract"]
    titles = [s.title for s in document.sections]
    assert "Socialnämnden" in document.title
    assert {"Socialförvaltningen", "Individ- och familjeomsorgen"} & set(titles)
    assert "Utbildningsförvaltningen" not in titles
    listed = {
        row[0] for t in document.tables() if not t.key.startswith("indicators-") for row in t.rows
    }
    assert listed == demo_plan["known"]["extract"]


def test_plan_documents_are_tagged_swedish_pdfs_and_word_files_with_headings(demo_plan):
    files = demo_plan["files"]
    for name in ("plan.pdf", "activities.pdf", "short.pdf"):
        catalog = pdf_catalog(files[name])
        assert b"/Lang (sv)" in catalog and b"/StructTreeRoot" in catalog
    assert "Bakgrund" in pdf_text(files["plan.pdf"])
    width, height = page_size(files["activities.pdf"])
    assert width > height, "the activity list is printed landscape"
    width, height = page_size(files["plan.pdf"])
    assert width < height
    headings = docx_headings(files["plan.docx"])
    assert headings[0][0] == "Title"
    assert ("Heading 1", "Bakgrund") in headings


def margin_texts(pdf: bytes) -> list[list[str]]:
    """What each page shows in its margins, drawn after the page's content: the page number,
    and a draft's mark."""
    pages = pdf_page_runs(pdf)
    found = []
    for number, runs in enumerate(pages, start=1):
        counter = runs.index(f"{number} / {len(pages)}")
        found.append(runs[counter - 1 : counter + 1])
    return found


@pytest.mark.parametrize("name", ["plan.pdf", "draft activities.pdf"])
def test_every_page_of_a_drafts_pdf_is_marked_draft(demo_plan, name):
    pages = margin_texts(demo_plan["files"][name])
    assert len(pages) > 1
    assert all(texts == ["Utkast", f"{n} / {len(pages)}"] for n, texts in enumerate(pages, 1))


@pytest.mark.parametrize("name", ["short.pdf", "activities.pdf"])
def test_an_adopted_versions_pdf_carries_no_draft_mark(demo_plan, name):
    pages = pdf_page_runs(demo_plan["files"][name])
    assert all("Utkast" not in runs for runs in pages)


def test_every_section_of_a_drafts_word_file_has_the_draft_mark_in_its_header(demo_plan):
    word = WordDocument(io.BytesIO(demo_plan["files"]["plan.docx"]))
    assert word.sections
    for section in word.sections:
        assert not section.header.is_linked_to_previous
        assert section.header.paragraphs[0].text == "Utkast"
    adopted = WordDocument(io.BytesIO(demo_plan["files"]["extract.docx"]))
    assert all("Utkast" not in s.header.paragraphs[0].text for s in adopted.sections)


def test_a_drafts_document_on_the_web_is_marked_draft(demo_plan):
    documents = demo_plan["documents"]
    page = render_body(documents["plan"])
    assert '<p class="report-draft-mark" role="note">Utkast</p>' in page
    assert page.index("report-draft-mark") < page.index("<h1>")
    assert "report-draft-mark" not in render_body(documents["short"])


@needs_libreoffice
def test_libreoffice_opens_the_plan_documents(demo_plan, tmp_path, libreoffice_profile):
    paths = []
    for name in ("plan.pdf", "plan.docx", "extract.docx", "activities.pdf"):
        stem, suffix = name.split(".")
        path = tmp_path / f"{stem}-{suffix}.{suffix}"
        path.write_bytes(demo_plan["files"][name])
        paths.append(path)
    for path in libreoffice_to_pdf(paths, tmp_path / "converted", libreoffice_profile):
        assert path.read_bytes().startswith(b"%PDF"), path
