"""The official document: a PDF in Bahasa Indonesia, built by a job, with every chapter of a masterplan."""

import re
from io import BytesIO

from pypdf import PdfReader

from tests.conftest import form_post
from tests.masterplan_exchange.conftest import csrf, job_id, logged_in

CHAPTERS = (
    "DAFTAR ISI",
    "ANALISIS STRATEGIS",
    "VISI DAN MISI",
    "SASARAN DAN INDIKATOR",
    "STRATEGI",
    "PROGRAM PENGEMBANGAN PER DIMENSI",
    "RENCANA AKSI",
    "PETA JALAN",
)


def _text(reader: PdfReader) -> str:
    """The words of the document. Layout mode, since plain mode reads a kerned "Te" as "T e"."""
    return " ".join(" ".join(p.extract_text(extraction_mode="layout") for p in reader.pages).split())


def _build(client, city) -> tuple[str, bytes]:
    response = client.post(
        city.url(tail="/export"), data={"format": "pdf", "csrf_token": csrf(client, city.url())}
    )
    run_id = job_id(response)
    page = client.get(f"/t/{city.slug}/jobs/{run_id}").get_data(as_text=True)
    assert 'aria-valuenow="100"' in page, page
    link = re.search(rf'href="(/t/{city.slug}/files/[0-9a-f-]+)" id="job-result"', page).group(1)
    download = client.get(link)
    assert download.mimetype == "application/pdf"
    assert "masterplan-kota-palopo-2.0.pdf" in download.headers["Content-Disposition"]
    return page, download.data


def test_the_document_job_builds_a_pdf_with_every_chapter_the_city_and_its_programs(client, city):
    logged_in(client, city)
    page, data = _build(client, city)
    assert "The document of masterplan 2.0 is ready." in page

    reader = PdfReader(BytesIO(data))
    text = _text(reader)
    assert "PEMERINTAH KOTA PALOPO" in text and "PROVINSI SULAWESI SELATAN" in text
    assert "TAHUN 2025–2029" in text
    for title in CHAPTERS:
        assert title in text, title
    # A program: named among the quick wins of its dimension, listed in chapter V and the roadmap.
    assert "Smart Society: PLP-01 Layanan Darurat Terpadu 112 tahap 1." in text
    assert text.count("PLP-01") >= 4
    assert "Pelatihan operator 112" in text and "12 orang" in text  # an action of the plan, its target
    assert "“Palopo kota cerdas yang melayani" in text  # the vision
    assert "Tindak kriminal tertangani" in text  # an indicator with its targets
    assert "Rp 1.250.000.000" in text  # Rupiah as the document writes it
    assert "Dokumen ini belum ditetapkan" in text  # a draft says so on its cover
    assert reader.metadata.title == "Masterplan Smart City Kota Palopo 2025–2029"

    sizes = {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages}
    assert sizes == {(595, 842), (842, 595)}  # A4, with landscape pages for the wide tables
    # Pages are numbered, and the table of contents points at them.
    assert re.search(r"BAB V\s+PROGRAM PENGEMBANGAN PER DIMENSI\s*\.*\s*\d+", text)
    assert reader.pages[-1].extract_text(extraction_mode="layout").split()[-1] == str(len(reader.pages))


def test_the_document_is_in_indonesian_whatever_the_language_of_the_requester(client, city):
    logged_in(client, city)
    form_post(client, "/locale", {"locale": "en", "next": city.url()})
    page, data = _build(client, city)
    assert "The document of masterplan 2.0 is ready." in page  # the page speaks English
    text = _text(PdfReader(BytesIO(data)))
    assert "RENCANA AKSI" in text and "Rp 1.250.000.000" in text  # the document does not
